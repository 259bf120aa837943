"""What people type: e-mail addresses, and the control characters no name, title or address may carry."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from events.kernel.i18n import N_

# C0 and C1 control characters (TAB, CR and LF included) and the Unicode line and paragraph separators: in a
# mail header they split it, in a calendar line they end it, on a page they hide text.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line texts (descriptions, abstracts, bios) may keep their line breaks and tabs.
CONTROL_CHARACTERS_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(text: str, multiline: bool = False) -> bool:
    pattern = CONTROL_CHARACTERS_BUT_LINES if multiline else CONTROL_CHARACTERS
    return bool(pattern.search(text or ""))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def valid_email(email: str) -> bool:
    email = normalise_email(email)
    if len(email) > 254 or email.count("@") != 1 or has_control_characters(email):
        return False
    local, domain = email.split("@")
    return bool(local) and "." in domain and not domain.startswith(".") and not domain.endswith(".") and " " not in email


# Letters that Unicode does not decompose into a base letter plus accent.
_UNDECOMPOSABLE = str.maketrans(
    {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
     "þ": "th", "ð": "d", "ı": "i"}
)


def slugify(title: str, fallback: str = "evenement") -> str:
    """A readable address from a name: diacritics folded ("Café Één" -> "cafe-een"), lower case, hyphens."""
    folded = unicodedata.normalize("NFKD", title.translate(_UNDECOMPOSABLE)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:80].rstrip("-") or fallback


def valid_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host: nothing a browser would run (javascript:, data:)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value)


# The form error (a msgid) of a field that holds control characters it may not carry.
CONTROL_CHARACTERS_IN_FIELD = N_(
    "This field contains a character that is not allowed here, such as a line break or an invisible control "
    "character. Remove it and try again."
)

# The fields that may keep line breaks and tabs (descriptions, abstracts, bios, question texts, option lists, the
# texts of reminders and mails: `text`, `text_nl`, `reminder_text_en`, …). Every other text is one line.
MULTILINE_FIELDS = frozenset({
    "summary", "description", "abstract", "bio", "text", "comment", "options", "hosts", "pasted", "quiz_json",
    "explanation", "message", "body", "answers", "tags",
})
# Fields never shown to anyone, which the check leaves alone (a password may be any text).
UNCHECKED_FIELDS = frozenset({"password", "new_password", "password_again", "current_password", "_csrf_token"})


def is_multiline_field(name: str) -> bool:
    return name in MULTILINE_FIELDS or name.startswith("text_") or name.endswith("_text") or "texts" in name


def control_character_fields(data: Any, path: str = "", multiline: bool = False) -> list[str]:
    """The fields of a decoded request body (JSON values, form fields) whose text holds control characters that
    the field may not carry, as dotted paths (`options.1.text`); lists and objects are walked."""
    if isinstance(data, str):
        return [path or "body"] if has_control_characters(data, multiline=multiline) else []
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = str(key)
            if name in UNCHECKED_FIELDS:
                continue
            if has_control_characters(name):
                found.append(f"{path}.{name}" if path else name)
                continue
            found += control_character_fields(value, f"{path}.{name}" if path else name, multiline or is_multiline_field(name))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found += control_character_fields(value, f"{path}.{index}" if path else str(index), multiline)
    return found
