"""The programme's rules: events and their sessions and speakers, for the public and for organisers.

Callers write `from events.programme import service` and `service.<name>`; the rules live in the modules below,
split by what users do:

- `queries`: reading events, sessions and speakers (the public side never gets the join URL or drafts);
- `rules`: what an event and a session may hold (`clean_event`, `clean_session`);
- `slugs`: events' addresses;  `timezones`: events' time zones;  `descriptions`: organisers' markdown;
- `listeners`: what other domains subscribe to (calendar changes, edits, delete guards);
- `events`: create, edit, publish/unpublish/cancel and delete events;  `sessions`: the programme's sessions;
- `speakers`: speakers on sessions, their personal links and the mail that brings them;
- `profiles`: speakers' public profiles;  `retention`: forgetting the speakers of long-past events;
- `duplicate`: a new draft copied from an event, its times moved;
- `reminders`: the reminder schedule and texts;
- `followup`: the follow-up mail's settings;  `recordings`: recordings of sessions and events, and their release.
"""

from events.kernel.text import valid_web_url
from events.programme.service.descriptions import render_markdown
from events.programme.service.duplicate import duplicate_event, wall_clock_shift
from events.programme.service.events import (
    TRANSITION_REFUSALS,
    TRANSITIONS,
    actions_for,
    change_status,
    create_event,
    delete_event,
    deletion_refusal,
    update_event,
)
from events.programme.service.followup import (
    AUDIENCES,
    DEFAULT_FOLLOWUP_DELAY,
    FOLLOWUP_PLACEHOLDERS,
    FOLLOWUP_TEXT_RULE,
    MAX_FOLLOWUP_DELAY,
    followup_of,
    followup_text,
)
from events.programme.service.listeners import (
    CALENDAR_FIELDS,
    Duplication,
    calendar_changes,
    on_calendar_change,
    on_event_delete,
    on_event_duplicate,
    on_event_update,
)
from events.programme.service.organizer import with_organizer, with_organizers
from events.programme.service.profiles import speaker_of_event, update_speaker_profile
from events.programme.service.queries import (
    NO_EVENT,
    PUBLIC_EVENT_COLUMNS,
    agenda_by_day,
    event_by_id,
    event_for_member,
    event_for_organiser,
    events_by_ids,
    events_of_organiser,
    full_events,
    is_speaker_of,
    may_edit,
    past_events,
    profiles_for,
    public_agenda,
    public_event,
    public_events,
    public_speaker,
    published_events,
    require_event_role,
    require_public_event,
    role_for_event,
    session_by_id,
    session_of_event,
    sessions_of,
    sessions_of_speaker,
    speakers_of_event,
    speakers_of_session,
    speaks_at_event,
    upcoming_events,
)
from events.programme.service.recordings import FIELDS as RECORDING_FIELDS
from events.programme.service.recordings import (
    MAX_RECORDINGS,
    recording_form_rows,
    recordings_by_part,
    recordings_from_form,
    recordings_of,
    released_recordings,
)
from events.programme.service.reminders import (
    DEFAULT_REMINDER_MINUTES,
    PLACEHOLDERS,
    REMINDER_TEXT_RULE,
    fill_placeholders,
    reminder_text,
    reminders_of,
)
from events.programme.service.retention import forget_past_speakers
from events.programme.service.rules import (
    EDITABLE_EVENT_FIELDS,
    EDITABLE_SESSION_FIELDS,
    INSTANT_RULE,
    REMINDER_RULE,
    clean_event,
    clean_reminders,
    clean_session,
)
from events.programme.service.sessions import create_session, delete_session, update_session
from events.programme.service.slugs import slugify, unique_slug
from events.programme.service.speakers import (
    SPEAKER_LINK_SUBJECT,
    add_speaker,
    new_speaker_link,
    queue_speaker_link_mail,
    remove_speaker,
)
from events.programme.service.timezones import COMMON_TIMEZONES, DEFAULT_TIMEZONE, valid_timezone

__all__ = [
    "Duplication", "duplicate_event", "on_event_duplicate", "wall_clock_shift",
    "AUDIENCES", "DEFAULT_FOLLOWUP_DELAY", "FOLLOWUP_PLACEHOLDERS", "FOLLOWUP_TEXT_RULE", "MAX_FOLLOWUP_DELAY",
    "followup_of", "followup_text", "MAX_RECORDINGS", "RECORDING_FIELDS", "recording_form_rows", "recordings_by_part",
    "recordings_from_form", "recordings_of", "released_recordings",
    "DEFAULT_REMINDER_MINUTES", "PLACEHOLDERS", "REMINDER_TEXT_RULE", "fill_placeholders", "reminder_text",
    "reminders_of", "with_organizer", "with_organizers", "forget_past_speakers",
    "CALENDAR_FIELDS", "COMMON_TIMEZONES", "DEFAULT_TIMEZONE", "EDITABLE_EVENT_FIELDS",
    "EDITABLE_SESSION_FIELDS", "INSTANT_RULE", "NO_EVENT", "PUBLIC_EVENT_COLUMNS", "REMINDER_RULE", "SPEAKER_LINK_SUBJECT", "TRANSITIONS",
    "TRANSITION_REFUSALS", "actions_for", "add_speaker", "agenda_by_day", "calendar_changes", "change_status",
    "clean_event", "clean_reminders", "clean_session", "create_event", "create_session", "delete_event",
    "delete_session", "deletion_refusal", "event_by_id", "events_by_ids", "profiles_for", "event_for_organiser", "events_of_organiser",
    "is_speaker_of", "event_for_member", "require_event_role", "full_events", "public_events", "may_edit", "role_for_event", "new_speaker_link", "on_calendar_change", "on_event_delete",
    "on_event_update", "past_events", "public_agenda", "public_event", "public_speaker", "published_events",
    "queue_speaker_link_mail", "remove_speaker", "render_markdown", "require_public_event", "session_by_id",
    "session_of_event", "sessions_of", "sessions_of_speaker", "slugify", "speaker_of_event",
    "speakers_of_event", "speakers_of_session", "speaks_at_event", "unique_slug", "upcoming_events",
    "update_event", "update_session", "update_speaker_profile", "valid_timezone", "valid_web_url",
]
