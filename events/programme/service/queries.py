"""Reading the programme: events, sessions and speakers, for the public side and for organisers.

Public readers get events without the join URL (PUBLIC_EVENT_COLUMNS) and never drafts; speakers' e-mail
addresses only reach organisers.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.kernel.content_versions import PROGRAMME, remembered
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.programme.rows import PublicSpeaker, Speaker
from events.programme.tables import Event, EventStatus, Session, SessionSpeaker, SpeakerProfile

# Every column except the join URL: what public pages, feeds and the public API may read.
PUBLIC_EVENT_COLUMNS = [c for c in Event._meta.columns if c._meta.name != "join_url"]


def full_events():
    """A query of whole event rows, each with its organisation's slug (`organisation_slug`)."""
    return Event.select(*Event.all_columns(), Event.organisation.slug.as_alias("organisation_slug"))


def public_events():
    """A query of event rows without the join URL, each with its organisation's slug."""
    return Event.select(*PUBLIC_EVENT_COLUMNS, Event.organisation.slug.as_alias("organisation_slug"))


# --- events ----------------------------------------------------------------------------------------------------


async def public_event(slug: str) -> dict[str, Any] | None:
    """A published or cancelled event (drafts are invisible to the public), without the join URL."""
    return (
        await public_events()
        .where((Event.slug == slug) & (Event.status != EventStatus.DRAFT))
        .first()
    )


async def require_public_event(slug: str) -> dict[str, Any]:
    """The public event at this address; NotFound for none (or a draft)."""
    event = await public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    return event


@remembered(PROGRAMME)
async def event_by_id(event_id: int) -> dict[str, Any] | None:
    """The whole event row (join URL included): for organisers, confirmed registrants' mail and invites."""
    return await full_events().where(Event.id == event_id).first()


NO_EVENT = N_("No event with this address")


async def event_for_organiser(slug: str, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR) -> dict[str, Any]:
    """The whole event row (join URL included) if this user's role in the event's organisation includes `needed`
    (editors change events, viewers read them). Someone of another organisation gets NotFound, the same answer as
    for a missing event; a member whose role is too weak gets Forbidden."""
    row = await full_events().where(Event.slug == slug).first()
    if row is None or row["organisation"] is None:
        raise NotFound(NO_EVENT)
    role = await organisations.require_role(user, row["organisation"], needed, missing=NO_EVENT)
    # `read_only`: the back-office pages show a viewer what is there, without the forms and buttons that change it.
    return {**row, "read_only": not role.includes(OrgRole.EDITOR)}


async def require_event_role(
    event: dict[str, Any] | None, user: CurrentUser | None, needed: OrgRole = OrgRole.EDITOR, missing: str = NO_EVENT,
) -> OrgRole:
    """For an event already in hand (found through a session, a quiz, a material): NotFound (with `missing`, the
    message a missing object of that kind gets) unless the user is a member of its organisation, Forbidden when
    their role there is too weak."""
    if event is None or event.get("organisation") is None:
        raise NotFound(missing)
    role = await organisations.require_role(user, event["organisation"], needed, missing=missing)
    event["read_only"] = not role.includes(OrgRole.EDITOR)  # see event_for_organiser
    return role


async def event_for_member(slug: str, user: CurrentUser) -> dict[str, Any]:
    """The event for any member of its organisation (viewers too): for pages and answers that only read."""
    return await event_for_organiser(slug, user, OrgRole.VIEWER)


async def role_for_event(event: dict[str, Any], user: CurrentUser | None) -> OrgRole | None:
    """This user's role in the organisation that owns the event (None: no member, or nobody signed in)."""
    if user is None or event.get("organisation") is None:
        return None
    return await organisations.role_in(user.id, event["organisation"])


async def may_edit(event: dict[str, Any], user: CurrentUser | None) -> bool:
    """Whether this user may change the event and what is under it (an editor or owner of its organisation)."""
    role = await role_for_event(event, user)
    return role is not None and role.includes(OrgRole.EDITOR)


async def events_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    """Whole event rows (join URL included) in the order of `ids`, read with one query."""
    if not ids:
        return []
    found = {row["id"]: row for row in await full_events().where(Event.id.is_in(ids))}
    return [found[i] for i in ids if i in found]


async def events_of_organiser(user: CurrentUser, organisation_id: int | None = None) -> list[dict[str, Any]]:
    """The events of every organisation this user is a member of (or of one of them), newest start first, each
    with its organisation's slug and name and the user's role there."""
    roles = {mine.organisation.id: mine for mine in await organisations.organisations_of(user)}
    ids = [organisation_id] if organisation_id in roles else list(roles)
    if not ids:
        return []
    rows = await Event.select(
        Event.id, Event.slug, Event.title, Event.kind, Event.format, Event.status, Event.starts_at, Event.ends_at,
        Event.timezone, Event.capacity, Event.organiser, Event.organisation,
    ).where(Event.organisation.is_in(ids)).order_by(Event.starts_at, ascending=False)
    for row in rows:
        mine = roles[row["organisation"]]
        row.update(organisation_slug=mine.organisation.slug, organisation_name=mine.organisation.name, role=mine.role)
    return rows


def _published(kind: str | None):
    query = public_events().where(Event.status == EventStatus.PUBLISHED)
    return query.where(Event.kind == kind) if kind else query


async def upcoming_events(now: datetime, kind: str | None = None) -> list[dict[str, Any]]:
    """Published events that have not ended, soonest first."""
    return await _published(kind).where(Event.ends_at >= now).order_by(Event.starts_at)


async def past_events(now: datetime, kind: str | None = None) -> list[dict[str, Any]]:
    """Published events that have ended, most recent first."""
    return await _published(kind).where(Event.ends_at < now).order_by(Event.starts_at, ascending=False)


async def published_events(
    kind: str | None = None, starts_from: datetime | None = None, until: datetime | None = None
) -> list[dict[str, Any]]:
    """Published events (API): `starts_from` keeps those still running then, `until` those that start by then."""
    query = _published(kind)
    if starts_from is not None:
        query = query.where(Event.ends_at >= starts_from)
    if until is not None:
        query = query.where(Event.starts_at <= until)
    return await query.order_by(Event.starts_at)


# --- sessions --------------------------------------------------------------------------------------------------


@remembered(PROGRAMME)
async def sessions_of(event_id: int) -> list[dict[str, Any]]:
    return await Session.select().where(Session.event == event_id).order_by(Session.starts_at).order_by(Session.id)


async def session_by_id(session_id: int) -> dict[str, Any] | None:
    return await Session.select().where(Session.id == session_id).first()


async def session_of_event(event: dict[str, Any], session_id: int) -> dict[str, Any]:
    row = await Session.select().where((Session.id == session_id) & (Session.event == event["id"])).first()
    if row is None:
        raise NotFound(N_("No session with this number in this event"))
    return row


async def public_agenda(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The sessions of an event, each with its speakers as the public sees them (no e-mail)."""
    speakers = await speakers_of_event(event["id"])
    sessions = await sessions_of(event["id"])
    for session in sessions:
        session["speakers"] = [speaker.credit() for speaker in speakers.get(session["id"], [])]
    return sessions


def agenda_by_day(sessions: list[dict[str, Any]], tz_name: str) -> list[tuple[date, list[dict[str, Any]]]]:
    """Sessions grouped by their day in the event's timezone, in time order."""
    tz = zoneinfo.ZoneInfo(tz_name)
    days: dict[date, list[dict[str, Any]]] = {}
    for session in sorted(sessions, key=lambda s: (s["starts_at"], s["id"])):
        days.setdefault(session["starts_at"].astimezone(tz).date(), []).append(session)
    return list(days.items())


# --- speakers --------------------------------------------------------------------------------------------------

_SPEAKER_COLUMNS = (
    SessionSpeaker.speaker.id.as_alias("id"),
    SessionSpeaker.speaker.name.as_alias("name"),
    SessionSpeaker.speaker.email.as_alias("email"),
    SessionSpeaker.speaker.organisation.as_alias("organisation"),
    SessionSpeaker.speaker.role.as_alias("role"),
)


async def profiles_for(organisation: int | None, speaker_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Speaker id -> how this organisation's programme shows them (name, affiliation, bio)."""
    if organisation is None or not speaker_ids:
        return {}
    rows = await SpeakerProfile.select(
        SpeakerProfile.speaker, SpeakerProfile.name, SpeakerProfile.affiliation, SpeakerProfile.bio
    ).where((SpeakerProfile.organisation == organisation) & SpeakerProfile.speaker.is_in(speaker_ids))
    return {row["speaker"]: row for row in rows}


async def _as_shown(organisation: int | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with name and organisation as the organisation's own speaker profile shows them."""
    profiles = await profiles_for(organisation, sorted({row["id"] for row in rows}))
    for row in rows:
        if (profile := profiles.get(row["id"])) is not None:
            row.update(name=profile["name"], organisation=profile["affiliation"])
    return rows


async def speakers_of_session(session_id: int) -> list[Speaker]:
    rows = await (
        SessionSpeaker.select(*_SPEAKER_COLUMNS, SessionSpeaker.session.event.organisation.as_alias("owner"))
        .where(SessionSpeaker.session == session_id)
        .order_by(SessionSpeaker.position)
    )
    owner = rows[0]["owner"] if rows else None
    return [Speaker(**{k: v for k, v in row.items() if k != "owner"}) for row in await _as_shown(owner, rows)]


async def speakers_of_event(event_id: int) -> dict[int, list[Speaker]]:
    """Session id -> its speakers, in their order, as the event's organisation shows them."""
    rows = await (
        SessionSpeaker.select(SessionSpeaker.session.id.as_alias("session_id"), *_SPEAKER_COLUMNS)
        .where(SessionSpeaker.session.event == event_id)
        .order_by(SessionSpeaker.position)
        .order_by(SessionSpeaker.id)
    )
    owner = await Event.select(Event.organisation).where(Event.id == event_id).first()
    grouped: dict[int, list[Speaker]] = {}
    for row in await _as_shown(owner["organisation"] if owner else None, rows):
        grouped.setdefault(row.pop("session_id"), []).append(Speaker(**row))
    return grouped


async def is_speaker_of(session_id: int, user_id: int) -> bool:
    return await SessionSpeaker.exists().where(
        (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == user_id)
    )


async def speaks_at_event(event_id: int, user_id: int) -> bool:
    return await SessionSpeaker.exists().where(
        (SessionSpeaker.speaker == user_id) & (SessionSpeaker.session.event == event_id)
    )


# A speaker's sessions with what their pages show of the event.
_SESSION_OF_SPEAKER_COLUMNS = (
    SessionSpeaker.session.id.as_alias("id"),
    SessionSpeaker.session.title.as_alias("title"),
    SessionSpeaker.session.starts_at.as_alias("starts_at"),
    SessionSpeaker.session.ends_at.as_alias("ends_at"),
    SessionSpeaker.session.event.slug.as_alias("event_slug"),
    SessionSpeaker.session.event.title.as_alias("event_title"),
    SessionSpeaker.session.event.timezone.as_alias("event_timezone"),
)


async def sessions_of_speaker(user_id: int, organisation: int | None = None) -> list[dict[str, Any]]:
    """The sessions this speaker is on (given `organisation`, only at its events), with their event's id, slug,
    title and timezone."""
    where = SessionSpeaker.speaker == user_id
    if organisation is not None:
        where &= SessionSpeaker.session.event.organisation == organisation
    return (
        await SessionSpeaker.select(*_SESSION_OF_SPEAKER_COLUMNS, SessionSpeaker.session.event.id.as_alias("event_id"))
        .where(where)
        .order_by(SessionSpeaker.session.starts_at)
    )


async def public_speaker(speaker_id: int) -> PublicSpeaker | None:
    """A speaker's public profile (name, organisation, bio) and sessions of public events; None when they have
    none (so the page cannot be used to look up other accounts). The profile is the one kept by the organisation
    of the speaker's latest public session."""
    profile = await accounts.profile_of(speaker_id)
    if profile is None or not profile.active:
        return None
    sessions = await (
        SessionSpeaker.select(
            *_SESSION_OF_SPEAKER_COLUMNS,
            SessionSpeaker.session.kind.as_alias("kind"),
            SessionSpeaker.session.event.status.as_alias("event_status"),
            SessionSpeaker.session.event.organisation.as_alias("event_organisation"),
        )
        .where((SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event.status != EventStatus.DRAFT))
        .order_by(SessionSpeaker.session.starts_at)
    )
    if not sessions:
        return None
    shown = (await profiles_for(sessions[-1]["event_organisation"], [speaker_id])).get(speaker_id)
    if shown is None:
        return PublicSpeaker(
            id=profile.id, name=profile.name, organisation=profile.organisation, bio=profile.bio, sessions=sessions
        )
    return PublicSpeaker(
        id=profile.id, name=shown["name"], organisation=shown["affiliation"], bio=shown["bio"], sessions=sessions
    )
