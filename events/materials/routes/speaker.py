"""The speaker's home: their sessions with the materials they uploaded, and uploading, replacing and removing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from events.accounts.service import CurrentUser
from events.kernel.clock import Clock
from events.kernel.errors import RuleViolation
from events.kernel.sections import sections_for
from events.kernel.settings import Settings
from events.materials import service
from events.materials.content import ACCEPT
from events.materials.routes.shown import DONE_MESSAGES, shown
from events.materials.routes.upload_stream import receive_file
from events.materials.storage import storage_for
from events.programme import service as programme
from events.web.auth import speaker_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, SettingsDep

Located = tuple[dict[str, Any], dict[str, Any]]  # (session, event)


async def _sessions_with_materials(user: CurrentUser, now: datetime) -> list[dict[str, Any]]:
    sessions = await programme.sessions_of_speaker(user.id, user.link_organisation)
    materials = await service.materials_of_sessions([s["id"] for s in sessions])
    events: dict[int, dict] = {}
    for s in sessions:
        if s["event_id"] not in events:
            events[s["event_id"]] = await programme.event_by_id(s["event_id"]) or {}
    return [
        {
            **s,
            "deadline": events[s["event_id"]].get("upload_deadline"),
            "closed": service.deadline_passed(events[s["event_id"]], now),
            "materials": [shown(m, s, now) for m in materials.get(s["id"], [])],
        }
        for s in sessions
    ]


async def _speaker_home(
    request: Request, user: CurrentUser, settings: Settings, now: datetime, *, done: str | None = None,
    error: RuleViolation | None = None, error_session: int | None = None, status_code: int = 200,
) -> Template:
    await service.require_live_speaker(user, now)
    return Template(
        "speaker/home.html",
        context={
            "speaker": user,
            "sessions": await _sessions_with_materials(user, now),
            "done": DONE_MESSAGES.get(done or ""),
            "error": error,
            "error_session": error_session,
            "accept": ACCEPT,
            "limit_mb": settings.max_upload_mb,
            "sections": await sections_for("speaker_home", speaker=user, request=request),
        },
        status_code=status_code,
    )


async def _change(
    request: Request, user: CurrentUser, settings: Settings, clock: Clock, done: str,
    locate: Callable[[], Awaitable[Located]], change: Callable[[dict[str, Any]], Awaitable[Any]],
    session_id: int | None = None,
) -> Template | Redirect:
    """A speaker's change to a session's materials: back home with the outcome, or the refusal at its session."""
    try:
        session, event = await locate()
        session_id = session["id"]
        await service.check_may_change(user, session, event, clock.now())
        await change(session)
    except RuleViolation as exc:
        return await _speaker_home(request, user, settings, clock.now(), error=exc, error_session=session_id,
                                   status_code=exc.status_code)
    return Redirect(path=f"/speaker?done={done}#session-{session_id}", status_code=303)


@get("/speaker", guards=[speaker_guard], include_in_schema=False)
async def speaker_home(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    done: FromQuery[str | None] = None,
) -> Template:
    return await _speaker_home(request, current_user, settings, clock.now(), done=done)


@post("/speaker/sessions/{session_id:int}/materials", guards=[speaker_guard], include_in_schema=False)
async def speaker_upload(
    request: Request, session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    async def upload(session: dict[str, Any]) -> None:
        received = await receive_file(request, settings)
        await service.add_material(engine, storage_for(settings.data_dir), session, received, current_user, clock.now())

    return await _change(request, current_user, settings, clock, "uploaded",
                         lambda: service.session_and_event(session_id), upload, session_id=session_id)


@post("/speaker/materials/{material_id:int}/versions", guards=[speaker_guard], include_in_schema=False)
async def speaker_replace(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    async def replace(_session: dict[str, Any]) -> None:
        received = await receive_file(request, settings)
        await service.add_version(engine, storage_for(settings.data_dir), material_id, received, current_user, clock.now())

    return await _change(request, current_user, settings, clock, "replaced",
                         lambda: service.session_and_event_of_material(material_id), replace)


@post("/speaker/materials/{material_id:int}/remove", guards=[speaker_guard], include_in_schema=False)
async def speaker_remove(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    async def remove(_session: dict[str, Any]) -> None:
        await service.remove_material(engine, storage_for(settings.data_dir), material_id)

    return await _change(request, current_user, settings, clock, "removed",
                         lambda: service.session_and_event_of_material(material_id), remove)


ROUTES = [speaker_home, speaker_upload, speaker_replace, speaker_remove]
