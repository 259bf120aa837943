"""Word-cloud answers: normalised (trimmed, inner spaces collapsed, case-folded; Dutch diminutives and plurals are
left as they are) and checked against an English (better-profanity) and a Dutch list of abusive words."""

from __future__ import annotations

import re
import unicodedata

from better_profanity import Profanity

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_

WORDS_MAX = 3
WORD_MAX_CHARS = 40
# Dutch abuse and swear words (the common ones, with their usual spellings); English comes from better-profanity.
DUTCH = (
    "kut", "kutje", "klootzak", "klote", "lul", "lullo", "eikel", "hoer", "hoerenjong", "kanker", "kankerlijer",
    "tering", "teringlijer", "tyfus", "tyfuslijer", "pleuris", "godverdomme", "gadverdamme", "kolere", "mongool",
    "debiel", "sukkel", "trut", "slet", "flikker", "neuken", "pik", "tief", "kakker", "schijt", "stront", "zak",
    "rotzak", "klojo", "mongolen", "homo", "nicht", "klerelijer", "kankerhoer", "sletje", "pokkelijer", "pokke",
)
_checker = Profanity()
_checker.load_censor_words()
_checker.add_censor_words(list(DUTCH))
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def normalise(word: str) -> str:
    word = unicodedata.normalize("NFC", word)
    return " ".join(_EDGE.sub("", word).split()).casefold()


def is_profane(word: str) -> bool:
    return _checker.contains_profanity(word)


def clean_words(raw: list[str]) -> list[str]:
    """Up to three distinct normalised words (or short phrases); empty ones dropped; abuse refused with a message."""
    words: list[str] = []
    for item in raw:
        word = normalise(str(item))
        if word and word not in words:
            words.append(word)
    if not words:
        raise RuleViolation(N_("Write at least one word"), {"answer": N_("Write at least one word")})
    if len(words) > WORDS_MAX or any(len(w) > WORD_MAX_CHARS for w in words):
        raise RuleViolation(N_("At most three words of 40 characters each"), {"answer": N_("At most three words")})
    if any(is_profane(w) for w in words):
        raise RuleViolation(N_("Please choose other words: this one is not allowed here"),
                            {"answer": N_("This word is not allowed")})
    return words
