"""The organisers' API of the library: adding, changing, retiring and importing resources, and linking them to
their events and sessions."""

from __future__ import annotations

from typing import Any

from litestar import delete, patch, post
from litestar.params import FromPath, JSONBody

from events.accounts.service import CurrentUser
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.programme import service as programme
from events.resources import service
from events.resources.schemas import (
    ImportResult,
    ResourceIn,
    ResourceLink,
    ResourceOut,
    ResourcePatch,
    given_fields,
    resource_out,
)
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep


@post("/api/resources", guards=[organiser_guard], tags=["resources"], summary="Add a resource to the library")
async def api_create_resource(current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[ResourceIn]) -> ResourceOut:
    fields = given_fields(data)
    slug = fields.pop("organisation", None)
    return resource_out(await service.add_resource(fields, current_user, clock.now(), slug), True)


@patch("/api/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"], summary="Change a resource")
async def api_update_resource(
    resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[ResourcePatch]
) -> ResourceOut:
    return resource_out(await service.change_resource(resource_id, given_fields(data), current_user, clock.now()), True)


@delete(
    "/api/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"], status_code=200,
    summary="Retire a resource (hidden from pages; the row and its links stay for history)",
)
async def api_retire_resource(resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> ResourceOut:
    return resource_out(await service.retire_resource_as(resource_id, current_user, clock.now()), True)


@post(
    "/api/resources/import", guards=[organiser_guard], tags=["resources"], status_code=201,
    summary="Import a list of resources: all rows or none (errors are reported per line)",
)
async def api_import_resources(
    current_user: CurrentUserDep, clock: ClockDep, engine: EngineDep, data: JSONBody[list[dict[str, Any]]]
) -> ImportResult:
    rows = [(position, item) for position, item in enumerate(data, start=1)]
    return ImportResult(loaded=await service.import_resources_as(rows, current_user, clock.now(), engine))


@post("/api/events/{slug:str}/resources", guards=[organiser_guard], tags=["resources"], summary="Link a resource to my event")
async def api_attach_to_event(
    slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, clock: ClockDep, data: JSONBody[ResourceLink]
) -> list[ResourceOut]:
    event = await programme.event_for_organiser(slug, current_user)
    await service.link_resource(event, data.resource_id, current_user, engine, clock.now())
    return [resource_out(r, True) for r in await service.resources_of_event(event["id"])]


@delete(
    "/api/events/{slug:str}/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"],
    summary="Unlink a resource from my event",
)
async def api_detach_from_event(
    slug: FromPath[str], resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await service.unlink_resource(event, resource_id, current_user, clock.now())


async def _session_of_my_event(session_id: int, user: CurrentUser) -> dict[str, Any]:
    """The event of this session if the user edits it; another organisation's session is not found."""
    session = await programme.session_by_id(session_id)
    if session is None:
        raise NotFound(N_("No session with this number"))
    event = await programme.event_by_id(session["event"])
    await programme.require_event_role(event, user, missing=N_("No session with this number"))
    assert event is not None
    return event


@post("/api/sessions/{session_id:int}/resources", guards=[organiser_guard], tags=["resources"], summary="Link a resource to a session of my event")
async def api_attach_to_session(
    session_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep, clock: ClockDep, data: JSONBody[ResourceLink]
) -> list[ResourceOut]:
    event = await _session_of_my_event(session_id, current_user)
    await service.link_resource(event, data.resource_id, current_user, engine, clock.now(), session_id=session_id)
    return [resource_out(r, True) for r in await service.resources_of_session(session_id)]


@delete(
    "/api/sessions/{session_id:int}/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"],
    summary="Unlink a resource from a session of my event",
)
async def api_detach_from_session(
    session_id: FromPath[int], resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> None:
    event = await _session_of_my_event(session_id, current_user)
    await service.unlink_resource(event, resource_id, current_user, clock.now(), session_id=session_id)
