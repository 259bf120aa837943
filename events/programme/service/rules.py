"""What an event and a session may hold: the checks behind the forms and the API, one message per field.

`data` may hold strings (forms) or typed values (the API); with `current`, missing fields keep their current value
(a partial update). Every check raises RuleViolation with the failing fields' messages (English msgids).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.ical.build import MAX_ALARM_MINUTES, MAX_ALARMS, MIN_ALARM_MINUTES
from events.kernel.errors import RuleViolation
from events.kernel.i18n import LANGUAGES, N_
from events.kernel.local_time import parse_local
from events.kernel.text import (
    CONTROL_CHARACTERS_IN_FIELD,
    control_character_fields,
    normalise_email,
    valid_email,
    valid_web_url,
)
from events.programme.service.followup import TEXT_FIELDS as FOLLOWUP_TEXT_FIELDS
from events.programme.service.followup import clean_followup
from events.programme.service.recordings import clean_recordings
from events.programme.service.reminders import (
    DEFAULT_REMINDER_MINUTES,
    REMINDER_TEXT_RULE,
    clean_texts,
    reminder_texts,
    split_reminders,
)
from events.programme.service.timezones import DEFAULT_TIMEZONE, valid_timezone
from events.programme.tables import EventFormat, EventKind, SessionKind

EDITABLE_EVENT_FIELDS = (
    "kind", "format", "title", "summary", "description", "starts_at", "ends_at", "timezone", "language", "venue",
    "join_url", "capacity", "registration_opens_at", "registration_closes_at", "approval_required",
    "upload_deadline", "reminder_minutes", "reminder_texts", "contact_name", "contact_email",
    "followup_enabled", "followup_delay_minutes", "followup_texts", "recordings",
)
EDITABLE_SESSION_FIELDS = ("title", "abstract", "kind", "starts_at", "ends_at", "room", "track", "recordings")
MAX_CAPACITY = 1_000_000
# The calendar's limits (events.ical.build) in words; tests/programme/test_rules.py holds the two together.
REMINDER_RULE = N_(
    "Enter at most 5 reminders, each 10 to 40320 minutes (28 days) before the start, separated by commas, "
    "such as 1440,60"
)
INSTANT_RULE = N_("Enter a date and time, such as 2026-12-06 09:30")


def clean_text(value: Any) -> str:
    """A one-line value as stripped text (None is empty)."""
    return "" if value is None else str(value).strip()


def _long_text(value: Any) -> str:
    """Markdown as written (only outer white space goes); anything but text counts as empty."""
    return value.strip() if isinstance(value, str) else ""


def _read_instant(data: dict, name: str, tz_name: str, errors: dict[str, str]) -> datetime | None:
    try:
        return parse_local(data.get(name), tz_name)
    except (ValueError, TypeError, OverflowError):
        errors[name] = INSTANT_RULE
        return None


def _read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return clean_text(value).lower() in ("1", "true", "on", "yes", "ja")


def _merged(data: dict[str, Any], current: dict[str, Any] | None, fields) -> dict[str, Any]:
    """The editable fields: current values (partial updates) overlaid with what was sent."""
    merged = {name: (current or {}).get(name) for name in fields}
    merged.update({k: v for k, v in data.items() if k in fields})
    return merged


def _control_character_errors(data: dict[str, Any]) -> dict[str, str]:
    """A form error for each sent field whose text holds control characters it may not carry (`kernel.text`)."""
    return {path.split(".")[0]: CONTROL_CHARACTERS_IN_FIELD for path in control_character_fields(data)}


def _clean_title(value: Any, errors: dict[str, str]) -> str:
    title = clean_text(value)
    if not title:
        errors["title"] = N_("Enter a title")
    elif len(title) > 200:
        errors["title"] = N_("The title may be at most 200 characters long")
    return title


def _is_one_of(value: str, choices) -> bool:
    return value in tuple(choices)


# --- the event, field by field (in the order the form shows them, so the error summary follows it) ---------


def _kind_and_texts(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    out["title"] = _clean_title(merged["title"], errors)
    out["kind"] = clean_text(merged["kind"]) or EventKind.CONFERENCE.value
    if not _is_one_of(out["kind"], EventKind):
        errors["kind"] = N_("Choose conference, webinar or festival")
    out["format"] = clean_text(merged["format"]) or EventFormat.ONLINE.value
    if not _is_one_of(out["format"], EventFormat):
        errors["format"] = N_("Choose online, onsite or hybrid")
    out["summary"] = clean_text(merged["summary"])
    if len(out["summary"]) > 500:
        errors["summary"] = N_("The summary may be at most 500 characters long")
    out["description"] = _long_text(merged["description"])
    if len(out["description"]) > 50_000:
        errors["description"] = N_("The description is too long")


def _zone_and_language(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    out["timezone"] = clean_text(merged["timezone"]) or DEFAULT_TIMEZONE
    if not valid_timezone(out["timezone"]):
        errors["timezone"] = N_("Choose a valid time zone, such as Europe/Amsterdam")
    out["language"] = clean_text(merged["language"]) or LANGUAGES[0]
    if out["language"] not in LANGUAGES:
        errors["language"] = N_("Choose Dutch or English")


def _zone_of(out: dict[str, Any], errors: dict[str, str]) -> str:
    """The zone local times are read in: the event's, or the default while the event's is not valid."""
    return DEFAULT_TIMEZONE if "timezone" in errors else out["timezone"]


def _times(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    tz_name = _zone_of(out, errors)
    out["starts_at"] = _read_instant(merged, "starts_at", tz_name, errors)
    out["ends_at"] = _read_instant(merged, "ends_at", tz_name, errors)
    if out["starts_at"] is None and "starts_at" not in errors:
        errors["starts_at"] = N_("Enter when the event starts")
    if out["ends_at"] is None and "ends_at" not in errors:
        errors["ends_at"] = N_("Enter when the event ends")
    if out["starts_at"] and out["ends_at"] and out["ends_at"] <= out["starts_at"]:
        errors["ends_at"] = N_("The end must be after the start")


def _place(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    out["venue"] = clean_text(merged["venue"])
    out["join_url"] = clean_text(merged["join_url"])
    event_format = EventFormat(out["format"]) if "format" not in errors else None
    if event_format and event_format.has_venue and not out["venue"]:
        errors["venue"] = N_("An onsite or hybrid event needs a venue")
    if out["join_url"] and not valid_web_url(out["join_url"]):
        errors["join_url"] = N_("Enter a web address that starts with https:// or http://")
    elif event_format and event_format.has_join_url and not out["join_url"]:
        errors["join_url"] = N_("An online or hybrid event needs a join URL")


def _capacity(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    capacity = merged["capacity"]
    out["capacity"] = None
    if capacity is None or (isinstance(capacity, str) and not capacity.strip()):
        return
    try:
        if isinstance(capacity, bool) or not isinstance(capacity, int | str):
            raise ValueError
        out["capacity"] = int(capacity)
    except ValueError:
        errors["capacity"] = N_("Enter a whole number of places, or leave it empty for no limit")
        return
    if out["capacity"] < 1:
        errors["capacity"] = N_("The capacity must be at least 1, or empty for no limit")
    elif out["capacity"] > MAX_CAPACITY:
        errors["capacity"] = N_("The capacity is too large")


def _registration(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    tz_name = _zone_of(out, errors)
    opens = out["registration_opens_at"] = _read_instant(merged, "registration_opens_at", tz_name, errors)
    closes = out["registration_closes_at"] = _read_instant(merged, "registration_closes_at", tz_name, errors)
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = N_("Registration must close after it opens")
    elif closes and out["ends_at"] and closes > out["ends_at"]:
        errors["registration_closes_at"] = N_("Registration must close before the event ends")
    if opens and out["ends_at"] and opens >= out["ends_at"] and "registration_opens_at" not in errors:
        errors["registration_opens_at"] = N_("Registration must open before the event ends")
    out["approval_required"] = _read_bool(merged["approval_required"])
    out["upload_deadline"] = _read_instant(merged, "upload_deadline", tz_name, errors)


def clean_reminders(value: Any) -> str | None:
    """Reminders as the calendar carries them ("1440, 15" -> "1440,15"): at most MAX_ALARMS alarms of 10 to
    MAX_ALARM_MINUTES minutes before the start, a repeated one counted once; None for more or anything else."""
    text = clean_text(value).replace(" ", "")
    if not text:
        return ""
    parts = text.split(",")
    # ASCII digits only: "²" is a digit to str.isdigit, but no number to int().
    if not all(part.isascii() and part.isdigit() and MIN_ALARM_MINUTES <= int(part) <= MAX_ALARM_MINUTES for part in parts):
        return None
    minutes = list(dict.fromkeys(int(part) for part in parts))
    return ",".join(str(m) for m in minutes) if len(minutes) <= MAX_ALARMS else None


def _reminders_and_contact(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    # The schedule and its texts: from `reminders` (the API's list) when sent, else from the separate fields.
    key = "reminders" if merged.get("reminders") is not None else "reminder_minutes"
    if key == "reminders":
        schedule, texts = split_reminders(merged["reminders"])
    else:
        # A new event that says nothing of reminders gets the standard schedule.
        schedule = DEFAULT_REMINDER_MINUTES if merged["reminder_minutes"] is None else merged["reminder_minutes"]
        texts = reminder_texts(merged)
    reminders = clean_reminders(schedule)
    if reminders is None:
        errors[key] = REMINDER_RULE
    out["reminder_minutes"] = reminders or ""
    out["reminder_texts"] = clean_texts(texts, out["reminder_minutes"])
    if out["reminder_texts"] is None:
        errors.setdefault(key, REMINDER_TEXT_RULE)
    out["contact_name"] = clean_text(merged["contact_name"])[:200]
    out["contact_email"] = normalise_email(clean_text(merged["contact_email"]))
    if out["contact_email"] and not valid_email(out["contact_email"]):
        errors["contact_email"] = N_("Enter a valid e-mail address")


def _after_the_event(merged: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    clean_followup(merged, out, errors)
    out["recordings"] = clean_recordings(merged["recordings"], errors)


_EVENT_CHECKS = (
    _kind_and_texts, _zone_and_language, _times, _place, _capacity, _registration, _reminders_and_contact,
    _after_the_event,
)


def clean_event(data: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event's editable fields, checked; `data` may hold strings (forms) or typed values (API).

    With `current`, missing fields keep their current value (a partial update). Raises RuleViolation with one
    message per failing field.
    """
    merged = _merged(data, current, (*EDITABLE_EVENT_FIELDS, "reminders", "followup", *FOLLOWUP_TEXT_FIELDS))
    errors = _control_character_errors(data)
    out: dict[str, Any] = {}
    for check in _EVENT_CHECKS:
        check(merged, out, errors)
    if errors:
        raise RuleViolation(N_("The event could not be saved"), errors)
    return out


def clean_session(data: dict[str, Any], event: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    """A session's fields, checked against its event (it must lie within the event's start and end)."""
    merged = _merged(data, current, EDITABLE_SESSION_FIELDS)
    errors = _control_character_errors(data)
    out: dict[str, Any] = {}
    out["title"] = _clean_title(merged["title"], errors)
    out["abstract"] = _long_text(merged["abstract"])
    out["kind"] = clean_text(merged["kind"]) or SessionKind.TALK.value
    if not _is_one_of(out["kind"], SessionKind):
        errors["kind"] = N_("Choose talk, panel, workshop, quiz or break")
    out["room"] = clean_text(merged["room"])[:100]
    out["track"] = clean_text(merged["track"])[:100]
    out["recordings"] = clean_recordings(merged["recordings"], errors)
    out["starts_at"] = _read_instant(merged, "starts_at", event["timezone"], errors)
    out["ends_at"] = _read_instant(merged, "ends_at", event["timezone"], errors)
    if out["starts_at"] is None and "starts_at" not in errors:
        errors["starts_at"] = N_("Enter when the session starts")
    if out["ends_at"] is None and "ends_at" not in errors:
        errors["ends_at"] = N_("Enter when the session ends")
    if out["starts_at"] and out["ends_at"]:
        if out["ends_at"] <= out["starts_at"]:
            errors["ends_at"] = N_("The end must be after the start")
        elif out["starts_at"] < event["starts_at"] or out["ends_at"] > event["ends_at"]:
            errors["starts_at"] = N_("A session must lie within the start and end of its event")
    if errors:
        raise RuleViolation(N_("The session could not be saved"), errors)
    return out
