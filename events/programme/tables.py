"""Tables of the programme domain: events, their sessions and the speakers of those sessions."""

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User
from events.organisations.tables import Organisation


class EventKind(StrEnum):
    CONFERENCE = "conference"
    WEBINAR = "webinar"
    FESTIVAL = "festival"


class EventFormat(StrEnum):
    ONLINE = "online"
    ONSITE = "onsite"
    HYBRID = "hybrid"

    @property
    def has_join_url(self) -> bool:
        return self in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def has_venue(self) -> bool:
        return self in (EventFormat.ONSITE, EventFormat.HYBRID)


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class SessionKind(StrEnum):
    TALK = "talk"
    PANEL = "panel"
    WORKSHOP = "workshop"
    QUIZ = "quiz"
    BREAK = "break"


class RecordingVisibility(StrEnum):
    """Who sees a recording once it is released: anyone, or confirmed registrants only."""

    PUBLIC = "public"
    REGISTRANTS = "registrants"


class Event(Table, tablename="programme_event"):
    slug = Varchar(length=120, unique=True)
    kind = Varchar(length=20, default="conference")  # conference | webinar | festival
    format = Varchar(length=20, default="online")  # online | onsite | hybrid
    status = Varchar(length=20, default="draft", index=True)  # draft | published | cancelled
    title = Varchar(length=200)
    summary = Text(default="")
    description = Text(default="")  # markdown, rendered and sanitised on output
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    timezone = Varchar(length=64, default="Europe/Amsterdam")
    language = Varchar(length=5, default="nl")  # language of the event's mails and invites
    venue = Text(default="")
    join_url = Text(default="")  # only for confirmed registrants, never on public routes
    capacity = Integer(null=True, default=None)  # None: unlimited
    registration_opens_at = Timestamptz(null=True, default=None)
    registration_closes_at = Timestamptz(null=True, default=None)
    approval_required = Boolean(default=False)
    upload_deadline = Timestamptz(null=True, default=None)  # speakers' materials
    # The reminder schedule: minutes before the start, e.g. "1440,60"; the reminder mails and the calendar alarms
    # both follow it. `reminder_texts`: the organiser's texts by minutes and language (programme.service.reminders).
    reminder_minutes = Varchar(length=100, default="")
    reminder_texts = Text(default="{}")
    # The follow-up mail after the event (registration sends it): on or off, how long after the end, and the
    # organiser's texts for attendees and no-shows by language, JSON {"attended": {"nl": …}, "no_show": {…}}.
    followup_enabled = Boolean(default=True)
    followup_delay_minutes = Integer(default=120)
    followup_texts = Text(default="{}")
    # Recordings of the event as a whole, JSON [{url, title, transcript_url, visibility}] (programme.service.recordings).
    recordings = Text(default="[]")
    # The organisation that owns the event and everything under it (NULL only in rows older than organisations,
    # which the migration gave one). `organiser` is the member who created it.
    organisation = ForeignKey(references=Organisation, null=True, default=None, index=True)
    organiser = ForeignKey(references=User, index=True)
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=254, default="")
    sequence = Integer(default=0)  # iCalendar SEQUENCE: rises on every change that matters to a calendar
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # When a session or a speaker of the programme last changed (also deletions, which leave no row to date):
    # the programme's Last-Modified, so an If-Modified-Since client never keeps a stale programme.ics.
    programme_updated_at = Timestamptz(null=True, default=None)


class Session(Table, tablename="programme_session"):
    event = ForeignKey(references=Event, index=True)
    title = Varchar(length=200)
    abstract = Text(default="")
    kind = Varchar(length=20, default="talk")  # talk | panel | workshop | quiz | break
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    room = Varchar(length=100, default="")
    track = Varchar(length=100, default="")
    recordings = Text(default="[]")  # JSON [{url, title, transcript_url, visibility}], shown after the session
    created_at = Timestamptz(default=TimestamptzNow())


class SessionSpeaker(Table, tablename="programme_session_speaker"):
    session = ForeignKey(references=Session, index=True)
    speaker = ForeignKey(references=User, index=True)
    position = Integer(default=0)


class SpeakerProfile(Table, tablename="programme_speaker_profile"):
    """A speaker as one organisation's programme shows them: each organisation keeps its own name, affiliation and
    biography of a speaker, so no organiser changes what another organisation shows. One row per (organisation,
    speaker), made when the organisation first puts the speaker on a session."""

    organisation = ForeignKey(references=Organisation, index=True)
    speaker = ForeignKey(references=User, index=True)
    name = Varchar(length=200, default="")
    affiliation = Varchar(length=200, default="")
    bio = Text(default="")
