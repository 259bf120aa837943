"""The back office's HTML forms as they arrive (every field a string; the service's rules read them), and the
values an event form shows for a saved event."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import Struct

from events.kernel.i18n import LANGUAGES
from events.kernel.local_time import local_input
from events.programme import service as programme
from events.programme.tables import EventFormat, EventKind, SessionKind

LOCAL_TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "upload_deadline")


# The recording rows of a form: recording_url_0, recording_title_0, recording_transcript_url_0, …
RecordingFields = msgspec.defstruct(
    "RecordingFields",
    [(f"recording_{name}_{i}", str, "") for i in range(programme.MAX_RECORDINGS) for name in programme.RECORDING_FIELDS],
)


def with_form_recordings(values: dict[str, Any]) -> dict[str, Any]:
    """A form's values with its recording rows as the rules' `recordings` list."""
    rows = programme.recordings_from_form(values)
    kept = {k: v for k, v in values.items() if not k.startswith("recording_")}
    return {**kept, "recordings": rows}


def recording_rows(values: dict[str, Any], saved: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """The rows the form shows: what was sent (after an error), else what is saved."""
    if "recordings" in values and isinstance(values["recordings"], list):
        return programme.recording_form_rows(values["recordings"])
    return programme.recording_form_rows(programme.recordings_of(saved))


class EventForm(RecordingFields):
    title: str = ""
    kind: str = EventKind.CONFERENCE.value
    format: str = EventFormat.ONLINE.value
    summary: str = ""
    description: str = ""
    starts_at: str = ""
    ends_at: str = ""
    timezone: str = programme.DEFAULT_TIMEZONE
    language: str = LANGUAGES[0]
    venue: str = ""
    join_url: str = ""
    capacity: str = ""
    registration_opens_at: str = ""
    registration_closes_at: str = ""
    approval_required: str = ""
    upload_deadline: str = ""
    reminder_minutes: str = ""
    followup_enabled: str = ""
    followup_delay_minutes: str = ""
    contact_name: str = ""
    contact_email: str = ""
    organisation: str = ""  # a new event's organisation (its slug)


class SessionForm(RecordingFields):
    title: str = ""
    kind: str = SessionKind.TALK.value
    abstract: str = ""
    starts_at: str = ""
    ends_at: str = ""
    room: str = ""
    track: str = ""


class SpeakerForm(Struct):
    email: str = ""
    name: str = ""
    organisation: str = ""


class ProfileForm(Struct):
    name: str = ""
    organisation: str = ""
    bio: str = ""


def event_form_values(event: dict[str, Any]) -> dict[str, Any]:
    """A saved event as its edit form shows it: local times in the event's zone, the capacity as text."""
    values = {name: event.get(name) for name in programme.EDITABLE_EVENT_FIELDS}
    for name in LOCAL_TIME_FIELDS:
        values[name] = local_input(event.get(name), event["timezone"])
    values["capacity"] = "" if event.get("capacity") is None else str(event["capacity"])
    return values


def new_event_values(contact_name: str, contact_email: str) -> dict[str, Any]:
    """What a new event's form starts with: the organiser as the contact."""
    return {
        "kind": EventKind.CONFERENCE.value, "format": EventFormat.ONLINE.value, "timezone": programme.DEFAULT_TIMEZONE,
        "language": LANGUAGES[0], "contact_name": contact_name, "contact_email": contact_email,
        "reminder_minutes": programme.DEFAULT_REMINDER_MINUTES,
        "followup_enabled": True, "followup_delay_minutes": programme.DEFAULT_FOLLOWUP_DELAY,
    }


def session_form_values(session: dict[str, Any], tz_name: str) -> dict[str, Any]:
    return {**session, "starts_at": local_input(session["starts_at"], tz_name),
            "ends_at": local_input(session["ends_at"], tz_name)}
