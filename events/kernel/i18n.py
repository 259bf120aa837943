"""Languages: Dutch first, English selectable. Message ids are English; Dutch comes from gettext catalogs.

Catalogs are plain `.po` files under `locale/nl/LC_MESSAGES/` (one per domain, so domains never edit the same
file) and are compiled in memory at start-up with babel, so there is no build step and no binary in git.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("nl", "en")
# Babel's locale for each language: dates, times and numbers as people there write them.
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Marks a message for extraction; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    """All catalogs of one language merged into one translations object."""
    merged: gettext.NullTranslations = gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    if language == "en" or not folder.is_dir():
        return merged
    merged_catalog = None
    for po_path in sorted(folder.glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        if merged_catalog is None:
            merged_catalog = catalog
        else:
            for message in catalog:
                if message.id and message.string:
                    merged_catalog[message.id] = message
    if merged_catalog is None:
        return merged
    buffer = io.BytesIO()
    write_mo(buffer, merged_catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str, message: str, **values: Any) -> str:
    text = translations(language).gettext(message)
    return text % values if values else text


def ngettext_for(language: str, singular: str, plural: str, n: int, **values: Any) -> str:
    text = translations(language).ngettext(singular, plural, n)
    values.setdefault("num", n)
    return text % values


class Formatted(str):
    """A message with values, for a service's field error that names a number ("… (2.3:1; at least 4.5:1)").

    It reads as its English text (the API's message); `in_language` translates the msgid and fills in the values,
    decimal numbers written with the language's decimal sign ("2,3" in Dutch)."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Formatted:
        made = super().__new__(cls, msgid % {name: _written(value, "en") for name, value in values.items()})
        made.msgid, made.values = msgid, values
        return made

    def in_language(self, language: str) -> str:
        return gettext_for(language, self.msgid, **{name: _written(value, language) for name, value in self.values.items()})


def _written(value: Any, language: str) -> Any:
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if language == "nl" else text
    return value
