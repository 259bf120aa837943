"""The programme's rules: events and their sessions and speakers.

Other domains read events through the functions here (never the join URL on public paths: use
PUBLIC_EVENT_COLUMNS).
"""

from __future__ import annotations

from typing import Any

from events.accounts.service import CurrentUser
from events.errors import Forbidden, NotFound
from events.programme.tables import Event, Session, SessionSpeaker

KINDS = ("conference", "webinar", "festival")
FORMATS = ("online", "onsite", "hybrid")
STATUSES = ("draft", "published", "cancelled")
SESSION_KINDS = ("talk", "panel", "workshop", "quiz", "break")


# Every column except the join URL: what public pages, feeds and the public API may read.
PUBLIC_EVENT_COLUMNS = [c for c in Event._meta.columns if c._meta.name != "join_url"]


async def public_event(slug: str) -> dict[str, Any] | None:
    """A published or cancelled event (drafts are invisible to the public), without the join URL."""
    return (
        await Event.select(*PUBLIC_EVENT_COLUMNS)
        .where((Event.slug == slug) & (Event.status != "draft"))
        .first()
    )


async def event_by_id(event_id: int) -> dict[str, Any] | None:
    """The whole event row (join URL included): for organisers, confirmed registrants' mail and invites."""
    return await Event.select().where(Event.id == event_id).first()


async def event_for_organiser(slug: str, user: CurrentUser) -> dict[str, Any]:
    """The whole event row if this user may manage it (its organiser, or an admin); raises NotFound/Forbidden."""
    row = await Event.select().where(Event.slug == slug).first()
    if row is None:
        raise NotFound("No event with this address")
    if not user.is_admin and row["organiser"] != user.id:
        raise Forbidden("This event belongs to another organiser")
    return row


def may_manage(event: dict[str, Any], user: CurrentUser | None) -> bool:
    return user is not None and (user.is_admin or (user.is_organiser and event["organiser"] == user.id))


async def sessions_of(event_id: int) -> list[dict[str, Any]]:
    return await Session.select().where(Session.event == event_id).order_by(Session.starts_at).order_by(Session.id)


async def session_by_id(session_id: int) -> dict[str, Any] | None:
    return await Session.select().where(Session.id == session_id).first()


async def speakers_of_session(session_id: int) -> list[dict[str, Any]]:
    return (
        await SessionSpeaker.select(
            SessionSpeaker.speaker.id.as_alias("id"),
            SessionSpeaker.speaker.name.as_alias("name"),
            SessionSpeaker.speaker.email.as_alias("email"),
            SessionSpeaker.speaker.organisation.as_alias("organisation"),
        )
        .where(SessionSpeaker.session == session_id)
        .order_by(SessionSpeaker.position)
    )


async def is_speaker_of(session_id: int, user_id: int) -> bool:
    return await SessionSpeaker.exists().where(
        (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == user_id)
    )


async def sessions_of_speaker(user_id: int) -> list[dict[str, Any]]:
    """The sessions this speaker is on, with their event's slug, title and timezone."""
    return (
        await SessionSpeaker.select(
            SessionSpeaker.session.id.as_alias("id"),
            SessionSpeaker.session.title.as_alias("title"),
            SessionSpeaker.session.starts_at.as_alias("starts_at"),
            SessionSpeaker.session.ends_at.as_alias("ends_at"),
            SessionSpeaker.session.event.id.as_alias("event_id"),
            SessionSpeaker.session.event.slug.as_alias("event_slug"),
            SessionSpeaker.session.event.title.as_alias("event_title"),
            SessionSpeaker.session.event.timezone.as_alias("event_timezone"),
        )
        .where(SessionSpeaker.speaker == user_id)
        .order_by(SessionSpeaker.session.starts_at)
    )
