"""An event's follow-up settings: whether the mail after the event goes, how long after the end, and the
organiser's texts for attendees and for confirmed no-shows, in Dutch and English, with placeholders. Registration
sends the mails (events.registration.service.followup); the programme keeps what the organiser chose.

`Event.followup_texts` is JSON by audience and language: {"attended": {"nl": "...", "en": "..."}, "no_show": {…}}.
An empty text means the standard text of the mail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from events.kernel.i18n import LANGUAGES, N_
from events.kernel.text import has_control_characters
from events.programme.service.reminders import MAX_REMINDER_TEXT, placeholders_in

AUDIENCES = ("attended", "no_show")
FOLLOWUP_PLACEHOLDERS = ("title", "time", "manage_link")
DEFAULT_FOLLOWUP_DELAY = 120  # two hours after the end
MAX_FOLLOWUP_DELAY = 14 * 24 * 60  # two weeks
DELAY_RULE = N_("Enter the delay in whole minutes after the end of the event: 0 to 20160 (14 days)")
FOLLOWUP_TEXT_RULE = N_(
    "A follow-up text may be at most 2000 characters long and use only the placeholders {title}, {time} and "
    "{manage_link}"
)
TEXT_FIELDS = tuple(f"text_{audience}_{lang}" for audience in AUDIENCES for lang in LANGUAGES)


def followup_texts(event: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    try:
        texts = json.loads(event.get("followup_texts") or "{}")
    except ValueError:
        return {}
    return texts if isinstance(texts, dict) else {}


def followup_text(event: Mapping[str, Any], audience: str, language: str) -> str:
    """The organiser's text for this audience ("attended" | "no_show") in this language, or "" for the standard."""
    entry = followup_texts(event).get(audience)
    return str(entry.get(language) or "") if isinstance(entry, dict) else ""


def followup_of(event: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as the API and the follow-up page show them."""
    return {
        "enabled": bool(event.get("followup_enabled", True)),
        "delay_minutes": int(event.get("followup_delay_minutes") or 0),
        **{f"text_{a}_{lang}": followup_text(event, a, lang) for a in AUDIENCES for lang in LANGUAGES},
    }


def _read_delay(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return None
        value = int(value)
    return value if isinstance(value, int) and 0 <= value <= MAX_FOLLOWUP_DELAY else None


def _valid_text(text: str) -> bool:
    return (len(text) <= MAX_REMINDER_TEXT and not has_control_characters(text, multiline=True)
            and all(name in FOLLOWUP_PLACEHOLDERS for name in placeholders_in(text)))


def clean_followup(merged: Mapping[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    """The follow-up fields of an event (`followup_enabled`, `followup_delay_minutes`, `followup_texts`, or the
    API's `followup` object, whose fields left out keep their value) as stored."""
    given = merged.get("followup")
    given = dict(given) if isinstance(given, Mapping) else {}
    enabled = given.get("enabled", merged.get("followup_enabled"))
    out["followup_enabled"] = True if enabled is None else (
        enabled if isinstance(enabled, bool) else str(enabled).strip().lower() in ("1", "true", "on", "yes", "ja"))
    delay = given.get("delay_minutes", merged.get("followup_delay_minutes"))
    delay = DEFAULT_FOLLOWUP_DELAY if delay is None or delay == "" else _read_delay(delay)
    if delay is None:
        errors["followup_delay_minutes"] = DELAY_RULE
    out["followup_delay_minutes"] = delay if delay is not None else DEFAULT_FOLLOWUP_DELAY
    stored = followup_texts({"followup_texts": merged.get("followup_texts")})
    texts: dict[str, dict[str, str]] = {}
    for audience in AUDIENCES:
        for lang in LANGUAGES:
            name = f"text_{audience}_{lang}"
            value = given.get(name, merged.get(name))
            current = stored.get(audience) if isinstance(stored.get(audience), dict) else {}
            text = str(current.get(lang) or "") if value is None else str(value).strip()
            if not _valid_text(text):
                errors[name] = FOLLOWUP_TEXT_RULE
            if text:
                texts.setdefault(audience, {})[lang] = text
    out["followup_texts"] = json.dumps(texts, sort_keys=True)
