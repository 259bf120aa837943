"""Visibility and release: who may see a material (public, registrants, organisers) and from when (now, when the
session starts, or a chosen moment), what participants see, and which version a download may send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts.service import CurrentUser
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.tokens import plausible_token
from events.materials.rows import MaterialRow, VersionRow
from events.materials.service.access import may_see_all, session_and_event
from events.materials.service.listing import material_with_version, materials_of_sessions
from events.materials.tables import Material, Release, Visibility
from events.programme.tables import EventStatus
from events.registration import service as registration
from events.registration.tables import RegistrationStatus


def release_moment(material: MaterialRow, session: dict[str, Any]) -> datetime | None:
    """When participants may see it: None = already (release "now")."""
    if material.release == Release.SESSION_START:
        return session["starts_at"]
    if material.release == Release.AT:
        return material.release_at
    return None


def is_released(material: MaterialRow, session: dict[str, Any], now: datetime) -> bool:
    moment = release_moment(material, session)
    return moment is None or now >= moment


def audience_of(visibility: str, registrant: bool) -> bool:
    return visibility == Visibility.PUBLIC or (visibility == Visibility.REGISTRANTS and registrant)


async def is_confirmed_registrant(event_id: int, token: str | None) -> bool:
    """Whether this is the manage token of a confirmed registration of this event (the registrant's only credential)."""
    if not plausible_token(token):
        return False
    row = await registration.registration_by_token(token)
    return row is not None and row.event_id == event_id and row.status == RegistrationStatus.CONFIRMED


async def participant_materials(
    sessions: list[dict[str, Any]], event: dict[str, Any], now: datetime, registrant: bool
) -> dict[int, list[MaterialRow]]:
    """What participants may see: released materials, public ones (and registrants' ones for a registrant)."""
    return (await participant_materials_and_next_release(sessions, event, now, registrant))[0]


async def participant_materials_and_next_release(
    sessions: list[dict[str, Any]], event: dict[str, Any], now: datetime, registrant: bool
) -> tuple[dict[int, list[MaterialRow]], datetime | None]:
    """`participant_materials`, and the next moment one of theirs is released (a cached page must end there)."""
    if event["status"] == EventStatus.DRAFT:
        return {s["id"]: [] for s in sessions}, None
    by_session = await materials_of_sessions([s["id"] for s in sessions])
    sessions_by_id = {s["id"]: s for s in sessions}
    visible: dict[int, list[MaterialRow]] = {}
    upcoming: list[datetime] = []
    for sid, materials in by_session.items():
        visible[sid] = []
        for material in materials:
            if not audience_of(material.visibility, registrant):
                continue
            moment = release_moment(material, sessions_by_id[sid])
            if moment is None or now >= moment:
                visible[sid].append(material)
            else:
                upcoming.append(moment)
    return visible, min(upcoming, default=None)


async def downloadable_version(
    material_id: int, version: int | None, user: CurrentUser | None, registration_token: str | None, now: datetime
) -> VersionRow:
    """The version a request may download; raises NotFound for what it may not know of, Forbidden for
    registrants-only files without a valid manage link."""
    material = await material_with_version(material_id)
    session, event = await session_and_event(material.session)
    if not await may_see_all(user, session, event, now):
        if version not in (None, material.current_version):
            raise NotFound(N_("No file with this number"))
        hidden = material.visibility == Visibility.ORGANISERS or not is_released(material, session, now)
        if event["status"] == EventStatus.DRAFT or hidden:
            raise NotFound(N_("No file with this number"))
        if material.visibility == Visibility.REGISTRANTS and not await is_confirmed_registrant(event["id"], registration_token):
            raise Forbidden(N_("This file is only for registrants of the event: use the link from your confirmation e-mail."))
    wanted = version or material.current_version
    found = next((v for v in material.versions if v.version == wanted), None)
    if found is None:
        raise NotFound(N_("No file with this number"))
    return found


def _release_errors(visibility: str | None, release: str | None, release_at: datetime | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if visibility is not None and visibility not in frozenset(Visibility):
        errors["visibility"] = N_("Choose public, registrants or organisers.")
    if release is not None and release not in frozenset(Release):
        errors["release"] = N_("Choose now, at the start of the session, or a moment.")
    if release == Release.AT and release_at is None:
        errors["release_at"] = N_("Give the moment of release.")
    if release_at is not None and release_at.tzinfo is None:
        errors["release_at"] = N_("Give the moment with its time zone offset.")
    return errors


async def update_material(
    material_id: int, visibility: str | None, release: str | None, release_at: datetime | None, now: datetime
) -> MaterialRow:
    """Visibility and release moment (organisers); unknown values are refused field by field."""
    if release is None and release_at is not None:
        release = Release.AT
    errors = _release_errors(visibility, release, release_at)
    if errors:
        raise RuleViolation(N_("The settings could not be saved."), errors=errors, status_code=400)
    values: dict[Any, Any] = {Material.updated_at: now}
    if visibility is not None:
        values[Material.visibility] = visibility
    if release is not None:
        values[Material.release] = release
        values[Material.release_at] = release_at if release == Release.AT else None
    await Material.update(values).where(Material.id == material_id)
    return await material_with_version(material_id)
