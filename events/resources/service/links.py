"""Links from events and sessions into the library, in the organiser's order. Retired resources keep their links
(history) but are hidden from what events and sessions show unless asked for, and cannot be newly linked."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column
from piccolo.engine.base import Engine

from events.kernel.content_versions import LIBRARY, remembered
from events.kernel.database import UNIQUE_VIOLATIONS, write_transaction
from events.resources.rows import ResourceRow
from events.resources.service.library import get_resource
from events.resources.tables import EventResource, SessionResource

PREFIX = "resource."  # how Piccolo names the columns of the joined resource


async def _linked(table: Any, owner_column: Column, owner_id: int, include_retired: bool) -> list[ResourceRow]:
    query = table.select(*table.resource.all_columns()).where(owner_column == owner_id)
    if not include_retired:
        query = query.where(table.resource.retired_at.is_null())
    rows = await query.order_by(table.position).order_by(table.id)
    return [ResourceRow.from_row({k.removeprefix(PREFIX): v for k, v in r.items()}) for r in rows]


# Every registration mail and event page asks these; the `library` counter moves with any change to a resource or
# a link (the triggers of migration resources_2026_12_02t13_56), so the answers are remembered between changes.
@remembered(LIBRARY)
async def _of_event(event_id: int, include_retired: bool) -> list[ResourceRow]:
    return await _linked(EventResource, EventResource.event, event_id, include_retired)


@remembered(LIBRARY)
async def _of_session(session_id: int, include_retired: bool) -> list[ResourceRow]:
    return await _linked(SessionResource, SessionResource.session, session_id, include_retired)


async def resources_of_event(event_id: int, include_retired: bool = False) -> list[ResourceRow]:
    return await _of_event(event_id, include_retired)


async def resources_of_session(session_id: int, include_retired: bool = False) -> list[ResourceRow]:
    return await _of_session(session_id, include_retired)


async def _link(table: Any, owner_column: Column, owner_id: int, resource_id: int, engine: Engine) -> None:
    await get_resource(resource_id)  # a retired resource cannot be newly attached
    try:
        async with write_transaction(engine):
            if await table.exists().where((owner_column == owner_id) & (table.resource == resource_id)):
                return  # attaching twice is harmless
            last = await table.select(table.position).where(owner_column == owner_id).order_by(
                table.position, ascending=False
            ).first()
            await table.insert(table(**{owner_column._meta.name: owner_id, "resource": resource_id,
                                        "position": (last["position"] + 1) if last else 0}))
    except UNIQUE_VIOLATIONS:
        # someone attached it at the same moment (the UNIQUE index decided): attached, as asked
        if not await table.exists().where((owner_column == owner_id) & (table.resource == resource_id)):
            raise


async def attach_to_event(event_id: int, resource_id: int, engine: Engine) -> None:
    await _link(EventResource, EventResource.event, event_id, resource_id, engine)


async def detach_from_event(event_id: int, resource_id: int) -> None:
    await EventResource.delete().where((EventResource.event == event_id) & (EventResource.resource == resource_id))


async def attach_to_session(session_id: int, resource_id: int, engine: Engine) -> None:
    await _link(SessionResource, SessionResource.session, session_id, resource_id, engine)


async def detach_from_session(session_id: int, resource_id: int) -> None:
    await SessionResource.delete().where(
        (SessionResource.session == session_id) & (SessionResource.resource == resource_id)
    )
