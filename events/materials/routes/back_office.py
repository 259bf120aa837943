"""The organiser's materials page of an event: the upload deadline, every session's files and versions, uploads
on the speakers' behalf, visibility and release, removing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from msgspec import Struct

from events.accounts.service import CurrentUser
from events.kernel.clock import Clock
from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.kernel.local_time import local_input, parse_local
from events.kernel.settings import Settings
from events.materials import service
from events.materials.content import ACCEPT
from events.materials.routes.shown import DONE_MESSAGES, shown
from events.materials.routes.upload_stream import receive_file
from events.materials.storage import storage_for
from events.materials.tables import Release
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, SettingsDep

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


def _moment(value: str, tz: str, field: str) -> datetime | None:
    """A moment typed in a datetime-local field, in the event's time zone."""
    try:
        return parse_local(value, tz)
    except ValueError as exc:
        raise RuleViolation(N_("The settings could not be saved."), errors={field: N_("Give a date and time.")}) from exc


async def _sessions_with_materials(event: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    sessions = await programme.sessions_of(event["id"])
    materials = await service.materials_of_sessions([s["id"] for s in sessions])
    return [
        {
            **s,
            "speakers": await programme.speakers_of_session(s["id"]),
            "materials": [
                shown(m, s, now, release_at_input=local_input(m.release_at, event["timezone"]))
                for m in materials.get(s["id"], [])
            ],
        }
        for s in sessions
    ]


async def _organiser_page(
    request: Request, event: dict, settings: Settings, now: datetime, *, done: str | None = None,
    error: RuleViolation | None = None, error_target: str | None = None, status_code: int = 200,
) -> Template:
    return Template(
        "materials/organiser.html",
        context={
            "event": event,
            "sessions": await _sessions_with_materials(event, now),
            "deadline_input": local_input(event["upload_deadline"], event["timezone"]),
            "deadline_passed": service.deadline_passed(event, now),
            "done": DONE_MESSAGES.get(done or ""),
            "error": error,
            "error_target": error_target,
            "accept": ACCEPT,
            "limit_mb": settings.max_upload_mb,
        },
        status_code=status_code,
    )


def _back(event: dict, done: str, session_id: int | None = None) -> Redirect:
    anchor = f"#session-{session_id}" if session_id is not None else ""
    return Redirect(path=f"/organiser/events/{event['slug']}/materials?done={done}{anchor}", status_code=303)


async def _upload(
    request: Request, event: dict, session_id: int, settings: Settings, clock: Clock, done: str, error_target: str,
    store: Callable[[service.Received], Awaitable[Any]],
) -> Template | Redirect:
    """Receive the file and store it; a refusal shows the page with the error at the upload field it came from."""
    try:
        await store(await receive_file(request, settings))
    except RuleViolation as exc:
        return await _organiser_page(request, event, settings, clock.now(), error=exc, error_target=error_target,
                                     status_code=exc.status_code)
    return _back(event, done, session_id)


async def _organiser_session(session_id: int, user: CurrentUser) -> tuple[dict, dict]:
    session, event = await service.session_and_event(session_id)
    await service.require_organiser(event, user)
    return session, event


async def _organiser_material(material_id: int, user: CurrentUser) -> tuple[dict, dict]:
    session, event = await service.session_and_event_of_material(material_id)
    await service.require_organiser(event, user)
    return session, event


@get("/organiser/events/{slug:str}/materials", guards=[organiser_guard], include_in_schema=False)
async def organiser_materials(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    done: FromQuery[str | None] = None,
) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await _organiser_page(request, event, settings, clock.now(), done=done)


class DeadlineForm(Struct):
    upload_deadline: str = ""


@post("/organiser/events/{slug:str}/materials/deadline", guards=[organiser_guard], include_in_schema=False)
async def organiser_deadline(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[DeadlineForm, FormBody],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        deadline = _moment(data.upload_deadline, event["timezone"], "upload_deadline")
    except RuleViolation as exc:
        return await _organiser_page(request, event, settings, clock.now(), error=exc, status_code=400)
    await service.set_upload_deadline(event["id"], deadline)
    return _back(event, "saved")


@post("/organiser/sessions/{session_id:int}/materials", guards=[organiser_guard], include_in_schema=False)
async def organiser_upload(
    request: Request, session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    session, event = await _organiser_session(session_id, current_user)

    async def store(received: service.Received) -> None:
        await service.add_material(engine, storage_for(settings.data_dir), session, received, current_user, clock.now())

    return await _upload(request, event, session_id, settings, clock, "uploaded", f"file-{session_id}", store)


@post("/organiser/materials/{material_id:int}/versions", guards=[organiser_guard], include_in_schema=False)
async def organiser_replace(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    session, event = await _organiser_material(material_id, current_user)

    async def store(received: service.Received) -> None:
        await service.add_version(engine, storage_for(settings.data_dir), material_id, received, current_user, clock.now())

    return await _upload(request, event, session["id"], settings, clock, "replaced", f"replace-{material_id}", store)


class SettingsForm(Struct):
    visibility: str = ""
    release: str = ""
    release_at: str = ""


@post("/organiser/materials/{material_id:int}/settings", guards=[organiser_guard], include_in_schema=False)
async def organiser_settings(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[SettingsForm, FormBody],
) -> Template | Redirect:
    session, event = await _organiser_material(material_id, current_user)
    try:
        release_at = _moment(data.release_at, event["timezone"], "release_at") if data.release == Release.AT else None
        await service.update_material(material_id, data.visibility or None, data.release or None, release_at, clock.now())
    except RuleViolation as exc:
        exc.errors = {f"{key}-{material_id}": message for key, message in exc.errors.items()}
        return await _organiser_page(request, event, settings, clock.now(), error=exc, status_code=400)
    return _back(event, "saved", session["id"])


@post("/organiser/materials/{material_id:int}/remove", guards=[organiser_guard], include_in_schema=False)
async def organiser_remove(
    material_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep, engine: EngineDep
) -> Redirect:
    session, event = await _organiser_material(material_id, current_user)
    await service.remove_material(engine, storage_for(settings.data_dir), material_id)
    return _back(event, "removed", session["id"])


ROUTES = [
    organiser_materials, organiser_deadline, organiser_upload, organiser_replace, organiser_settings, organiser_remove,
]
