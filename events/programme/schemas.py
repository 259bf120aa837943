"""API shapes of the programme: public ones never carry the join URL; organiser ones may."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from msgspec import UNSET, Struct, UnsetType

from events.ical.build import MAX_ALARM_MINUTES, MAX_ALARMS, MIN_ALARM_MINUTES
from events.kernel.i18n import LANGUAGES
from events.programme.service.followup import (
    DEFAULT_FOLLOWUP_DELAY,
    FOLLOWUP_PLACEHOLDERS,
    MAX_FOLLOWUP_DELAY,
    followup_of,
)
from events.programme.service.recordings import MAX_RECORDINGS, recordings_of, released_recordings
from events.programme.service.reminders import (
    DEFAULT_REMINDER_MINUTES,
    MAX_REMINDER_TEXT,
    PLACEHOLDERS,
    reminders_of,
)
from events.programme.service.timezones import DEFAULT_TIMEZONE
from events.programme.tables import EventFormat, EventKind, RecordingVisibility, SessionKind

# The calendar's own limits (events.ical.build): the event's rules accept exactly what its invitations carry.
ReminderMinutes = Annotated[str, msgspec.Meta(description=(
    f"Calendar reminders in minutes before the start, separated by commas, such as \"1440,15\": at most {MAX_ALARMS}, "
    f"each {MIN_ALARM_MINUTES} to {MAX_ALARM_MINUTES} minutes ({MAX_ALARM_MINUTES // (24 * 60)} days); empty for none. "
    f"The reminder mails follow the same schedule; a new event gets \"{DEFAULT_REMINDER_MINUTES}\""
))]
ReminderText = Annotated[str, msgspec.Meta(description=(
    f"The reminder mail's text (empty: the standard text), at most {MAX_REMINDER_TEXT} characters; placeholders: "
    + ", ".join("{" + name + "}" for name in PLACEHOLDERS)
))]


class Reminder(Struct, forbid_unknown_fields=True):
    """One reminder of the schedule: a mail and a calendar alarm this many minutes before the start."""

    minutes_before: Annotated[int, msgspec.Meta(description=(
        f"{MIN_ALARM_MINUTES} to {MAX_ALARM_MINUTES} minutes; at most {MAX_ALARMS} reminders"
    ))]
    text_nl: ReminderText = ""
    text_en: ReminderText = ""


class Recording(Struct, forbid_unknown_fields=True):
    """A recording on a video platform. Shown once its session (or the event) has ended: `public` to everyone,
    `registrants` to confirmed registrants only (their manage page and follow-up mail)."""

    url: Annotated[str, msgspec.Meta(description="The video's web address (http or https)")]
    title: Annotated[str, msgspec.Meta(description="At most 200 characters")]
    visibility: Annotated[str, msgspec.Meta(description=" or ".join(RecordingVisibility))] = RecordingVisibility.PUBLIC.value
    transcript_url: Annotated[str, msgspec.Meta(description="Subtitles or a transcript (http or https), or empty")] = ""


Recordings = Annotated[list[Recording], msgspec.Meta(description=(
    f"At most {MAX_RECORDINGS}; when sent, the list replaces the recordings"
))]
FollowupText = Annotated[str, msgspec.Meta(description=(
    f"The follow-up mail's text (empty: the standard text), at most {MAX_REMINDER_TEXT} characters; placeholders: "
    + ", ".join("{" + name + "}" for name in FOLLOWUP_PLACEHOLDERS)
))]


class Followup(Struct):
    """The follow-up mail after the event: attendees get one text (with materials, recordings, resources and the
    evaluation), confirmed no-shows another (with the recordings); each registration once."""

    enabled: bool = True
    delay_minutes: Annotated[int, msgspec.Meta(ge=0, le=MAX_FOLLOWUP_DELAY, description=(
        f"Minutes after the event's end (0 to {MAX_FOLLOWUP_DELAY}); a new event gets {DEFAULT_FOLLOWUP_DELAY}"
    ))] = DEFAULT_FOLLOWUP_DELAY
    text_attended_nl: FollowupText = ""
    text_attended_en: FollowupText = ""
    text_no_show_nl: FollowupText = ""
    text_no_show_en: FollowupText = ""


class FollowupWrite(Struct, forbid_unknown_fields=True):
    """Change the follow-up settings: only the fields sent change."""

    enabled: bool | UnsetType = UNSET
    delay_minutes: int | UnsetType = UNSET
    text_attended_nl: FollowupText | UnsetType = UNSET
    text_attended_en: FollowupText | UnsetType = UNSET
    text_no_show_nl: FollowupText | UnsetType = UNSET
    text_no_show_en: FollowupText | UnsetType = UNSET


def local(moment: datetime | None, tz_name: str) -> datetime | None:
    """A UTC instant shown in the event's timezone, so the ISO 8601 text carries the local offset."""
    return moment.astimezone(ZoneInfo(tz_name)) if moment is not None else None


class SpeakerRef(Struct):
    id: int
    name: str
    organisation: str


class PublicSession(Struct):
    id: int
    title: str
    abstract: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    room: str
    track: str
    speakers: list[SpeakerRef] = []
    recordings: list[Recording] = []  # the public: released public ones; the organiser: all

    @classmethod
    def from_row(cls, row: dict[str, Any], tz_name: str, now: datetime | None = None) -> PublicSession:
        """`now`: the public's view (the recordings released by then); without it the organiser's (all)."""
        return cls(
            id=row["id"], title=row["title"], abstract=row["abstract"], kind=row["kind"],
            starts_at=local(row["starts_at"], tz_name), ends_at=local(row["ends_at"], tz_name),
            room=row["room"], track=row["track"],
            speakers=[SpeakerRef(id=s.id, name=s.name, organisation=s.organisation) for s in row.get("speakers", [])],
            recordings=as_recordings(row, now),
        )


class PublicEvent(Struct):
    """What anyone may know about a published event (no join URL, no organiser account)."""

    slug: str
    url: str
    kind: str
    format: str
    status: str
    title: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    language: str
    venue: str
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    contact_name: str
    contact_email: str
    sequence: int
    organisation: str = ""  # the slug of the organisation that runs the event

    @classmethod
    def fields_from(cls, row: dict[str, Any], base_url: str) -> dict[str, Any]:
        tz = row["timezone"]
        return dict(
            slug=row["slug"], url=f"{base_url}/events/{row['slug']}", kind=row["kind"], format=row["format"],
            status=row["status"], title=row["title"], summary=row["summary"],
            starts_at=local(row["starts_at"], tz), ends_at=local(row["ends_at"], tz), timezone=tz,
            language=row["language"], venue=row["venue"], capacity=row["capacity"],
            registration_opens_at=local(row["registration_opens_at"], tz),
            registration_closes_at=local(row["registration_closes_at"], tz),
            contact_name=row["contact_name"], contact_email=row["contact_email"], sequence=row["sequence"],
            organisation=row.get("organisation_slug") or "",
        )

    @classmethod
    def from_row(cls, row: dict[str, Any], base_url: str) -> PublicEvent:
        return cls(**cls.fields_from(row, base_url))


def as_recordings(row: dict[str, Any], now: datetime | None) -> list[Recording]:
    items = recordings_of(row) if now is None else released_recordings(row, now, registrant=False)
    return [Recording(**item) for item in items]


class PublicEventDetail(PublicEvent):
    description: str = ""  # markdown as written
    description_html: str = ""  # rendered and sanitised
    sessions: list[PublicSession] = []
    recordings: list[Recording] = []  # the event's own, released and public


class OrganiserEvent(PublicEvent):
    """The whole event for its organiser (and admins), join URL included."""

    id: int = 0
    description: str = ""
    join_url: str = ""
    approval_required: bool = False
    upload_deadline: datetime | None = None
    reminder_minutes: ReminderMinutes = ""
    reminders: list[Reminder] = []
    followup: Followup = msgspec.field(default_factory=Followup)
    recordings: list[Recording] = []  # the event's own (all of them, released or not)
    organiser_id: int = 0

    @classmethod
    def from_full_row(cls, row: dict[str, Any], base_url: str) -> OrganiserEvent:
        return cls(
            **cls.fields_from(row, base_url),
            id=row["id"], description=row["description"], join_url=row["join_url"],
            approval_required=row["approval_required"], upload_deadline=local(row["upload_deadline"], row["timezone"]),
            reminder_minutes=row["reminder_minutes"], organiser_id=row["organiser"],
            reminders=[Reminder(**item) for item in reminders_of(row)],
            followup=Followup(**followup_of(row)), recordings=as_recordings(row, None),
        )


class EventWrite(Struct, forbid_unknown_fields=True):
    """Create an event. Datetimes are ISO 8601; without an offset they are read in the event's timezone."""

    title: str
    starts_at: datetime
    ends_at: datetime
    kind: str = EventKind.CONFERENCE.value
    format: str = EventFormat.ONLINE.value
    slug: str | None = None
    summary: str = ""
    description: str = ""
    timezone: str = DEFAULT_TIMEZONE
    language: str = LANGUAGES[0]
    venue: str = ""
    join_url: str = ""
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    approval_required: bool = False
    upload_deadline: datetime | None = None
    reminder_minutes: ReminderMinutes = DEFAULT_REMINDER_MINUTES
    reminders: list[Reminder] | UnsetType = UNSET  # when sent, it replaces reminder_minutes
    contact_name: str = ""
    contact_email: str = ""
    followup: FollowupWrite | UnsetType = UNSET
    recordings: Recordings | UnsetType = UNSET
    organisation: str | None = msgspec.field(default=None)  # slug; required when you are editor in several


class EventPatch(Struct, forbid_unknown_fields=True):
    """Change an event: only the fields sent change. The slug never changes."""

    title: str | UnsetType = UNSET
    starts_at: datetime | UnsetType = UNSET
    ends_at: datetime | UnsetType = UNSET
    kind: str | UnsetType = UNSET
    format: str | UnsetType = UNSET
    summary: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    language: str | UnsetType = UNSET
    venue: str | UnsetType = UNSET
    join_url: str | UnsetType = UNSET
    capacity: int | None | UnsetType = UNSET
    registration_opens_at: datetime | None | UnsetType = UNSET
    registration_closes_at: datetime | None | UnsetType = UNSET
    approval_required: bool | UnsetType = UNSET
    upload_deadline: datetime | None | UnsetType = UNSET
    reminder_minutes: ReminderMinutes | UnsetType = UNSET
    reminders: list[Reminder] | UnsetType = UNSET  # when sent, it replaces reminder_minutes and the texts
    contact_name: str | UnsetType = UNSET
    contact_email: str | UnsetType = UNSET
    followup: FollowupWrite | UnsetType = UNSET  # the fields sent change
    recordings: Recordings | UnsetType = UNSET


class SessionWrite(Struct, forbid_unknown_fields=True):
    title: str
    starts_at: datetime
    ends_at: datetime
    kind: str = SessionKind.TALK.value
    abstract: str = ""
    room: str = ""
    track: str = ""
    recordings: Recordings = []


class SessionPatch(Struct, forbid_unknown_fields=True):
    title: str | UnsetType = UNSET
    starts_at: datetime | UnsetType = UNSET
    ends_at: datetime | UnsetType = UNSET
    kind: str | UnsetType = UNSET
    abstract: str | UnsetType = UNSET
    room: str | UnsetType = UNSET
    track: str | UnsetType = UNSET
    recordings: Recordings | UnsetType = UNSET


class SpeakerAdd(Struct, forbid_unknown_fields=True):
    email: str
    name: str = ""
    organisation: str = ""


class SpeakerAdded(Struct):
    """Where the mail went, and nothing else: no personal link, nothing about the account."""

    sent_to: str


def sent_fields(data: Struct) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones left out; a nested object's too)."""
    values = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET}
    if isinstance(values.get("followup"), Struct):
        values["followup"] = sent_fields(values["followup"])
    return values


class SpeakerProfileOut(Struct):
    """A speaker of the event as its organisation shows them (its own profile: name, affiliation, bio)."""

    id: int
    email: str
    name: str
    affiliation: str
    bio: str
    session_ids: list[int]


class SpeakerProfilePatch(Struct, forbid_unknown_fields=True):
    name: str | None = None
    affiliation: str | None = None
    bio: str | None = None
