"""Who keeps which entry of the library, and the audit trail of every change.

The shared library of the Platform weerbare overheid (`Resource.organisation` None) is edited by platform admins
only. An organisation may keep its own entries: its editors and owners change them, its viewers read them in the
back office, and nobody else sees them there (another organisation's entry answers 404, as a missing one). Anyone
links a shared entry or one of their own organisation's to an event or session they may edit. Every change —
create, edit, retire, restore, link, unlink — writes an entry in the audit trail, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import write_transaction
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.resources.rows import ResourceRow
from events.resources.service import editing, importing, links
from events.resources.service.library import get_resource
from events.resources.tables import Resource

NO_RESOURCE = N_("No resource with this number")
SHARED_IS_ADMINS = N_("Only platform admins change the shared library. Add an entry of your own organisation instead.")
CHOOSE = N_("Choose the organisation that keeps this entry")


async def visible_organisation_ids(user: CurrentUser) -> list[int]:
    """The organisations whose own entries this user sees in the back office (any role)."""
    return await organisations.member_organisation_ids(user, OrgRole.VIEWER)


async def _check(resource: ResourceRow, user: CurrentUser, needed: OrgRole) -> ResourceRow:
    if resource.organisation is None:
        if needed != OrgRole.VIEWER and not user.is_admin:
            raise Forbidden(SHARED_IS_ADMINS)
        return resource
    await organisations.require_role(user, resource.organisation, needed, missing=NO_RESOURCE)
    return resource


async def resource_for(resource_id: int, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR) -> ResourceRow:
    """The entry if this user may read (`viewer`) or change (`editor`) it; retired entries included."""
    return await _check(await get_resource(resource_id, include_retired=True), user, needed)


async def require_linkable(resource_id: int, event: dict[str, Any]) -> ResourceRow:
    """A live entry that is shared or kept by the event's own organisation (whose editor links it); another
    organisation's entry is not found."""
    resource = await get_resource(resource_id)
    if resource.organisation is not None and resource.organisation != event["organisation"]:
        raise NotFound(NO_RESOURCE)
    return resource


async def require_may_add(user: CurrentUser) -> None:
    """Admins add to the shared library, editors to their organisation's, an organiser in no organisation to one
    of their own; a viewer-only member adds nothing (Forbidden)."""
    if user.is_admin:
        return
    if not user.is_organiser or (
        await organisations.member_organisation_ids(user, OrgRole.VIEWER)
        and not await organisations.member_organisation_ids(user, OrgRole.EDITOR)
    ):
        raise Forbidden(SHARED_IS_ADMINS)


async def keeper_for_new(user: CurrentUser, slug: str | None, now: datetime) -> int | None:
    """Who keeps a new entry: the organisation named by `slug` (editor or owner there); without a slug, the shared
    library for an admin, else the user's only organisation where they edit (an organiser in none gets one of
    their own, as for a new event). A viewer-only member adds nothing (Forbidden)."""
    if slug:
        mine = await organisations.organisation_for(user, slug, OrgRole.EDITOR)
        return mine.organisation.id
    if user.is_admin:
        return None
    editable = await organisations.member_organisation_ids(user, OrgRole.EDITOR)
    if len(editable) == 1:
        return editable[0]
    if editable:
        raise RuleViolation(CHOOSE, {"organisation": CHOOSE})
    await require_may_add(user)
    return (await organisations.organisation_for_new_event(user, None, now)).id


async def _record(action: str, user: CurrentUser, resource: ResourceRow, now: datetime, **where: Any) -> None:
    await audit.record(
        f"resource.{action}", now, actor=user, organisation_id=where.pop("organisation_id", resource.organisation),
        subject=f"resource {resource.id}: {resource.title}", detail=where.pop("detail", ""), **where,
    )


async def add(data: dict[str, Any], user: CurrentUser, now: datetime, slug: str | None = None) -> ResourceRow:
    keeper = await keeper_for_new(user, slug, now)
    async with write_transaction(Resource._meta.db):
        row = await editing.create_resource(data, user.id, now, organisation=keeper)
        await _record("create", user, row, now)
    return row


async def import_as(
    rows: importing.Rows, user: CurrentUser, now: datetime, engine: Engine, slug: str | None = None
) -> int:
    """Imports into the shared library (admins) or the user's organisation; all rows or none, one audit entry."""
    keeper = await keeper_for_new(user, slug, now)
    async with write_transaction(engine):
        loaded = await importing.import_resources(rows, user.id, now, engine, organisation=keeper)
        await audit.record("resource.import", now, actor=user, organisation_id=keeper, detail=f"{loaded} entries")
    return loaded


async def change(resource_id: int, data: dict[str, Any], user: CurrentUser, now: datetime) -> ResourceRow:
    await resource_for(resource_id, user)
    async with write_transaction(Resource._meta.db):
        row = await editing.update_resource(resource_id, data, now)
        await _record("edit", user, row, now, detail=", ".join(sorted(data)))
    return row


async def retire(resource_id: int, user: CurrentUser, now: datetime) -> ResourceRow:
    return await _set_retired(resource_id, user, now, retired=True)


async def restore(resource_id: int, user: CurrentUser, now: datetime) -> ResourceRow:
    return await _set_retired(resource_id, user, now, retired=False)


async def _set_retired(resource_id: int, user: CurrentUser, now: datetime, retired: bool) -> ResourceRow:
    """Retires or restores an entry the user keeps, in the trail."""
    await resource_for(resource_id, user)
    async with write_transaction(Resource._meta.db):
        row = await (editing.retire_resource if retired else editing.restore_resource)(resource_id, now)
        await _record("retire" if retired else "restore", user, row, now)
    return row


async def link(
    event: dict[str, Any], resource_id: int, user: CurrentUser, engine: Engine, now: datetime, session_id: int | None = None
) -> None:
    """Links the entry to the event (or one of its sessions); the caller has checked the user edits the event."""
    resource = await require_linkable(resource_id, event)
    async with write_transaction(engine):
        if session_id is None:
            await links.attach_to_event(event["id"], resource_id, engine)
        else:
            await links.attach_to_session(session_id, resource_id, engine)
        await _record("link", user, resource, now, organisation_id=event["organisation"], event_id=event["id"],
                      detail=f"session {session_id}" if session_id else "")


async def unlink(event: dict[str, Any], resource_id: int, user: CurrentUser, now: datetime, session_id: int | None = None) -> None:
    resource = await get_resource(resource_id, include_retired=True)
    async with write_transaction(Resource._meta.db):
        if session_id is None:
            await links.detach_from_event(event["id"], resource_id)
        else:
            await links.detach_from_session(session_id, resource_id)
        await _record("unlink", user, resource, now, organisation_id=event["organisation"], event_id=event["id"],
                      detail=f"session {session_id}" if session_id else "")
