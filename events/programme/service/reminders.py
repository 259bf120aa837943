"""An event's reminder schedule: when the reminder mails go (the same minutes the calendar's alarms use, so mail
and calendar never disagree) and the text each reminder carries, in Dutch and English, with placeholders.

The schedule is `Event.reminder_minutes` ("1440,60"); the texts are `Event.reminder_texts`, JSON keyed by the
minutes: {"1440": {"nl": "...", "en": "..."}}. An empty text means the standard text of the mail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import msgspec

from events.ical.build import reminder_minutes
from events.kernel.i18n import LANGUAGES, N_

DEFAULT_REMINDER_MINUTES = "1440,60"  # a day and an hour before the start
PLACEHOLDERS = ("title", "time", "manage_link", "join_link")
MAX_REMINDER_TEXT = 2000
REMINDER_TEXT_RULE = N_(
    "A reminder text may be at most 2000 characters long and use only the placeholders {title}, {time}, "
    "{manage_link} and {join_link}"
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders_in(text: str) -> list[str]:
    """The names of the placeholders a text uses ("{title}" -> "title")."""
    return _PLACEHOLDER.findall(text)


def valid_reminder_text(text: str) -> bool:
    return len(text) <= MAX_REMINDER_TEXT and all(name in PLACEHOLDERS for name in placeholders_in(text))


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """The text with each known placeholder replaced (an unknown one stays as written)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def reminder_texts(event: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The stored texts by minutes ("1440") and language; junk reads as no texts."""
    try:
        texts = json.loads(event.get("reminder_texts") or "{}")
    except ValueError:
        return {}
    return texts if isinstance(texts, dict) else {}


def reminder_text(event: Mapping[str, Any], minutes: int, language: str) -> str:
    """The organiser's text of this reminder in this language, or "" for the standard text."""
    return str(reminder_texts(event).get(str(minutes), {}).get(language, "") or "")


def reminders_of(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The schedule as the API shows it: [{minutes_before, text_nl, text_en}], the earliest first."""
    return [
        {"minutes_before": minutes, **{f"text_{lang}": reminder_text(event, minutes, lang) for lang in LANGUAGES}}
        for minutes in sorted(reminder_minutes(event.get("reminder_minutes")), reverse=True)
    ]


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, msgspec.Struct):
        return {k: v for k, v in msgspec.structs.asdict(item).items() if v is not msgspec.UNSET}
    return dict(item) if isinstance(item, Mapping) else {}


def split_reminders(items: Any) -> tuple[str, dict[str, dict[str, str]]]:
    """A list of {minutes_before, text_nl?, text_en?} as (the minutes as the schedule writes them, the texts)."""
    minutes: list[str] = []
    texts: dict[str, dict[str, str]] = {}
    for item in items if isinstance(items, list | tuple) else [None]:
        values = _as_dict(item)
        value = values.get("minutes_before")
        minutes.append(str(value) if isinstance(value, int) and not isinstance(value, bool) else "x")
        texts[minutes[-1]] = {lang: values.get(f"text_{lang}") or "" for lang in LANGUAGES}
    return ",".join(minutes), texts


def clean_texts(texts: dict[str, Any], schedule: str) -> str | None:
    """The texts of the reminders in the schedule, as stored; None when one is too long or uses an unknown
    placeholder."""
    kept: dict[str, dict[str, str]] = {}
    for minutes in schedule.split(",") if schedule else []:
        given = texts.get(minutes) if isinstance(texts.get(minutes), dict) else {}
        entry = {lang: str(given.get(lang) or "").strip() for lang in LANGUAGES}
        if not all(valid_reminder_text(text) for text in entry.values()):
            return None
        if any(entry.values()):
            kept[minutes] = {lang: text for lang, text in entry.items() if text}
    return json.dumps(kept, sort_keys=True)
