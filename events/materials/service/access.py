"""Who may change or see a session's materials: the event's organisers always, its speakers through a live
personal link and until the event's upload deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.accounts.tables import Role
from events.kernel.errors import Conflict, Forbidden, NotFound
from events.kernel.i18n import N_
from events.materials.service.listing import material_by_id
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.tables import Event


def reached_by_link(user: CurrentUser, event: dict[str, Any]) -> bool:
    """A session opened by a personal link reaches only the events of the organisation that issued the link."""
    return user.link_organisation is None or event["organisation"] == user.link_organisation


async def speaker_link_is_live(user: CurrentUser, now: datetime, event: dict[str, Any] | None = None) -> bool:
    """A speaker without a password acts through a personal link: once every link has expired or been revoked,
    the signed-in session that came from it gives no access either. A session opened by a link reaches only the
    events of the organisation that issued it (given `event`), and only while that organisation's link lives."""
    if event is not None and not reached_by_link(user, event):
        return False
    if user.role != Role.SPEAKER or await accounts.has_password(user.id):
        return True
    return await accounts.has_live_personal_link(user.id, now, organisation=user.link_organisation)


async def require_live_speaker(user: CurrentUser, now: datetime) -> None:
    if not await speaker_link_is_live(user, now):
        raise Forbidden(N_("Your personal link has expired or was revoked. Ask the organiser for a new link."))


def deadline_passed(event: dict[str, Any], now: datetime) -> bool:
    return event["upload_deadline"] is not None and now >= event["upload_deadline"]


async def set_upload_deadline(event_id: int, deadline: datetime | None) -> None:
    await Event.update({Event.upload_deadline: deadline}).where(Event.id == event_id)


async def session_and_event(session_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    session = await programme.session_by_id(session_id)
    if session is None:
        raise NotFound(N_("No session with this number"))
    event = await programme.event_by_id(session["event"])
    assert event is not None
    return session, event


async def session_and_event_of_material(material_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The session and event a material belongs to; NotFound when it is gone."""
    material = await material_by_id(material_id)
    if material is None:
        raise NotFound(N_("No file with this number"))
    return await session_and_event(material["session"])


async def require_organiser(
    event: dict[str, Any], user: CurrentUser, needed: OrgRole = OrgRole.EDITOR, missing: str = programme.NO_EVENT
) -> None:
    """Another organisation's event is not found (`missing` says what was looked for); a viewer may not change it."""
    await programme.require_event_role(event, user, needed, missing=missing)


async def check_may_change(user: CurrentUser, session: dict, event: dict, now: datetime) -> None:
    """Editors of the event's organisation may always change its materials; its speakers until the upload
    deadline. A viewer of the organisation is refused (403); another speaker hears it is not their session (403);
    a member of another organisation learns nothing (404, as for a missing session)."""
    role = await programme.role_for_event(event, user)
    if role is not None and role.includes(OrgRole.EDITOR):
        return
    if not await programme.is_speaker_of(session["id"], user.id) or not reached_by_link(user, event):
        if role is not None:
            await programme.require_event_role(event, user, OrgRole.EDITOR)
        if user.role != Role.SPEAKER:
            raise NotFound(N_("No session with this number"))
        raise Forbidden(N_("This is not your session: you can only upload materials for your own sessions."))
    await require_live_speaker(user, now)
    if deadline_passed(event, now):
        raise Conflict(N_("The upload deadline for this event has passed. Ask the organiser if something must still change."))


async def may_see_all(user: CurrentUser | None, session: dict, event: dict, now: datetime) -> bool:
    """Organisers and the session's own speakers see every file and version, released or not."""
    if user is None:
        return False
    if await programme.may_edit(event, user):
        return True
    return await programme.is_speaker_of(session["id"], user.id) and await speaker_link_is_live(user, now, event)
