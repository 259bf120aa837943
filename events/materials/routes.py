"""Speaker materials over HTTP: the speaker's home, the organiser's materials page, downloads, panels and the API.

Uploads are read from the raw request stream with a push multipart parser, so the size limit is enforced while
the body arrives (a handler that declared a `data` parameter would have buffered it all first).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from litestar import Request, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File, Redirect, Stream, Template
from msgspec import Struct
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from events.accounts.service import CurrentUser
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.sections import Section, provides, sections_for
from events.kernel.settings import Settings
from events.materials import service
from events.materials.content import ACCEPT, KINDS, ascii_fallback
from events.materials.schemas import ErrorBody, MaterialOut, MaterialUpdate, MaterialVersionOut
from events.materials.service import TooLarge
from events.materials.storage import Storage, storage_for
from events.programme import service as programme
from events.web.auth import organiser_guard, signed_in_guard, speaker_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, MaybeUserDep, SettingsDep


@dataclass
class MultipartUploadOperation(Operation):
    """OpenAPI: these handlers read the multipart body themselves, so describe it by hand."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="The file in the field `file` (PDF, PPTX, ODP, DOCX, ODT, XLSX, PNG, JPEG or MP4, judged by content).",
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties={"file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)},
                        required=["file"],
                    )
                )
            },
        )


UPLOAD_REFUSALS = {
    403: ResponseSpec(ErrorBody, description="Not your session (or your personal link expired or was revoked)"),
    409: ResponseSpec(ErrorBody, description="The event's upload deadline has passed (speakers)"),
    413: ResponseSpec(ErrorBody, description="Larger than EVENTS_MAX_UPLOAD_MB; refused while streaming"),
    415: ResponseSpec(ErrorBody, description="Not an allowed type, judged by content"),
}

# Room for the multipart envelope (boundaries, part headers, a few small fields) around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def storage_of(settings: Settings) -> Storage:
    return storage_for(settings.data_dir)


# --- reading the upload from the stream ----------------------------------------------------------------------------


async def _multipart_events(chunks: AsyncIterator[bytes], boundary: str) -> AsyncIterator[Any]:
    parser = PushMultipartParser(boundary, max_segment_count=20, max_header_count=8)
    try:
        async with contextlib.aclosing(chunks):
            async for chunk in chunks:
                for event in parser.parse(chunk):
                    yield event
            for event in parser.parse(b""):
                yield event
    except MultipartError as exc:
        raise RuleViolation(N_("The upload was not a valid form submission. Try again."), status_code=400) from exc


async def _segment_body(events: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    async for event in events:
        if event is None:
            return
        if isinstance(event, bytes | bytearray):
            yield bytes(event)


async def _receive(request: Request, settings: Settings) -> service.Received:
    """Stream the `file` field of a multipart request into storage (checked), never buffering the body."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if content_type != "multipart/form-data" or not boundary:
        raise RuleViolation(N_("Send the file as multipart/form-data in the field \"file\"."), status_code=400)
    limit = settings.max_upload_bytes
    announced = request.headers.get("content-length")
    if announced and announced.isdigit() and int(announced) > limit + MULTIPART_OVERHEAD:
        # Refused before reading a byte: the client said how much it would send.
        raise TooLarge(N_("The file is larger than the upload limit."), errors={"file": N_("The file is too large.")})
    events = _multipart_events(request.stream(), boundary)
    body: AsyncIterator[bytes] | None = None
    try:
        async for event in events:
            if isinstance(event, MultipartSegment) and event.name == "file":
                if not event.filename:
                    break
                body = _segment_body(events)
                return await service.receive_upload(storage_of(settings), body, event.filename, limit)
        raise RuleViolation(N_("Choose a file to upload."), errors={"file": N_("Choose a file to upload.")})
    except HTTPException as exc:
        if exc.status_code == 413:  # the framework's own body limit
            raise TooLarge(N_("The file is larger than the upload limit."), errors={"file": N_("The file is too large.")}) from exc
        if "disconnect" in str(exc.detail):  # the client went away mid-upload; nothing was kept
            raise RuleViolation(N_("The upload was interrupted. Try again."), status_code=400) from exc
        raise
    finally:
        # Close the inner reader before the parser it reads from (both may be suspended mid-stream).
        if body is not None:
            await body.aclose()
        await events.aclose()


# --- shapes ------------------------------------------------------------------------------------------------------------


def download_url(material: dict, version: int | None = None, registration: str | None = None) -> str:
    url = f"/materials/{material['id']}/{quote(material['current']['original_name'], safe='')}"
    query = []
    if version is not None:
        query.append(f"version={version}")
    if registration:
        query.append(f"registration={quote(registration, safe='')}")
    return url + ("?" + "&".join(query) if query else "")


def material_out(material: dict, session: dict, now: datetime, full: bool, registration: str | None = None) -> MaterialOut:
    current = material["current"]
    versions = None
    if full:
        versions = [
            MaterialVersionOut(
                version=v["version"], name=v["original_name"], content_type=v["content_type"], size=v["size"],
                sha256=v["sha256"], uploaded_at=v["uploaded_at"], url=download_url(material, v["version"]),
            )
            for v in material["versions"]
        ]
    return MaterialOut(
        id=material["id"],
        session_id=material["session"],
        version=current["version"],
        name=current["original_name"],
        content_type=current["content_type"],
        size=current["size"],
        sha256=current["sha256"],
        url=download_url(material, registration=registration),
        visibility=material["visibility"],
        release=material["release"],
        release_at=material["release_at"],
        released=service.is_released(material, session, now),
        uploaded_at=current["uploaded_at"],
        versions=versions,
    )


def _for_template(material: dict, session: dict, now: datetime, registration: str | None = None) -> dict:
    return {
        **material,
        "url": download_url(material, registration=registration),
        "version_urls": {v["version"]: download_url(material, v["version"]) for v in material["versions"]},
        "released": service.is_released(material, session, now),
        "release_moment": service.release_moment(material, session),
        "kind_label": KINDS[material["current"]["kind"]].label,
    }


# --- the speaker's home ------------------------------------------------------------------------------------------------


DONE_MESSAGES = {
    "uploaded": N_("The file was uploaded."),
    "replaced": N_("The new version was uploaded."),
    "removed": N_("The file was removed."),
    "saved": N_("The settings were saved."),
}


async def _speaker_home(
    request: Request, user: CurrentUser, settings: Settings, now: datetime, *, done: str | None = None,
    error: RuleViolation | None = None, error_session: int | None = None, status_code: int = 200,
) -> Template:
    await service.require_live_speaker(user, now)
    sessions = await programme.sessions_of_speaker(user.id)
    materials = await service.materials_of_sessions([s["id"] for s in sessions])
    events: dict[int, dict] = {}
    for s in sessions:
        if s["event_id"] not in events:
            events[s["event_id"]] = await programme.event_by_id(s["event_id"]) or {}
    items = []
    for s in sessions:
        event = events[s["event_id"]]
        items.append({
            **s,
            "deadline": event.get("upload_deadline"),
            "closed": service.deadline_passed(event, now),
            "materials": [_for_template(m, s, now) for m in materials.get(s["id"], [])],
        })
    return Template(
        "speaker/home.html",
        context={
            "speaker": user,
            "sessions": items,
            "done": DONE_MESSAGES.get(done or ""),
            "error": error,
            "error_session": error_session,
            "accept": ACCEPT,
            "limit_mb": settings.max_upload_mb,
            "sections": await sections_for("speaker_home", speaker=user, request=request),
        },
        status_code=status_code,
    )


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
    try:
        session, event = await service.session_and_event(session_id)
        await service.check_may_change(current_user, session, event, clock.now())
        received = await _receive(request, settings)
        await service.add_material(engine, storage_of(settings), session, received, current_user, clock.now())
    except RuleViolation as exc:
        return await _speaker_home(request, current_user, settings, clock.now(), error=exc, error_session=session_id,
                                   status_code=exc.status_code)
    return Redirect(path=f"/speaker?done=uploaded#session-{session_id}", status_code=303)


async def _material_and_context(material_id: int) -> tuple[dict, dict, dict]:
    material = await service.material_by_id(material_id)
    if material is None:
        raise NotFound(N_("No file with this number"))
    session, event = await service.session_and_event(material["session"])
    return material, session, event


@post("/speaker/materials/{material_id:int}/versions", guards=[speaker_guard], include_in_schema=False)
async def speaker_replace(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    session_id = None
    try:
        _material, session, event = await _material_and_context(material_id)
        session_id = session["id"]
        await service.check_may_change(current_user, session, event, clock.now())
        received = await _receive(request, settings)
        await service.add_version(engine, storage_of(settings), material_id, received, current_user, clock.now())
    except RuleViolation as exc:
        return await _speaker_home(request, current_user, settings, clock.now(), error=exc, error_session=session_id,
                                   status_code=exc.status_code)
    return Redirect(path=f"/speaker?done=replaced#session-{session_id}", status_code=303)


@post("/speaker/materials/{material_id:int}/remove", guards=[speaker_guard], include_in_schema=False)
async def speaker_remove(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    session_id = None
    try:
        _material, session, event = await _material_and_context(material_id)
        session_id = session["id"]
        await service.check_may_change(current_user, session, event, clock.now())
        await service.remove_material(engine, storage_of(settings), material_id)
    except RuleViolation as exc:
        return await _speaker_home(request, current_user, settings, clock.now(), error=exc, error_session=session_id,
                                   status_code=exc.status_code)
    return Redirect(path=f"/speaker?done=removed#session-{session_id}", status_code=303)


# --- the organiser's materials page ------------------------------------------------------------------------------------


def _local_input(value: datetime | None, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") if value else ""


def _parse_local(value: str, tz: str, field: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise RuleViolation(N_("The settings could not be saved."), errors={field: N_("Give a date and time.")}) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment


async def _organiser_page(
    request: Request, event: dict, settings: Settings, now: datetime, *, done: str | None = None,
    error: RuleViolation | None = None, error_target: str | None = None, status_code: int = 200,
) -> Template:
    sessions = await programme.sessions_of(event["id"])
    materials = await service.materials_of_sessions([s["id"] for s in sessions])
    items = []
    for s in sessions:
        items.append({
            **s,
            "speakers": await programme.speakers_of_session(s["id"]),
            "materials": [
                {**_for_template(m, s, now), "release_at_input": _local_input(m["release_at"], event["timezone"])}
                for m in materials.get(s["id"], [])
            ],
        })
    return Template(
        "materials/organiser.html",
        context={
            "event": event,
            "sessions": items,
            "deadline_input": _local_input(event["upload_deadline"], event["timezone"]),
            "deadline_passed": service.deadline_passed(event, now),
            "done": DONE_MESSAGES.get(done or ""),
            "error": error,
            "error_target": error_target,
            "accept": ACCEPT,
            "limit_mb": settings.max_upload_mb,
        },
        status_code=status_code,
    )


@get("/organiser/events/{slug:str}/materials", guards=[organiser_guard], include_in_schema=False)
async def organiser_materials(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    done: FromQuery[str | None] = None,
) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return await _organiser_page(request, event, settings, clock.now(), done=done)


class DeadlineForm(Struct):
    upload_deadline: str = ""


@post("/organiser/events/{slug:str}/materials/deadline", guards=[organiser_guard], include_in_schema=False)
async def organiser_deadline(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[DeadlineForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        deadline = _parse_local(data.upload_deadline, event["timezone"], "upload_deadline")
    except RuleViolation as exc:
        return await _organiser_page(request, event, settings, clock.now(), error=exc, status_code=400)
    await service.set_upload_deadline(event["id"], deadline)
    return Redirect(path=f"/organiser/events/{slug}/materials?done=saved", status_code=303)


async def _organiser_event_of_session(session_id: int, user: CurrentUser) -> tuple[dict, dict]:
    session, event = await service.session_and_event(session_id)
    if not programme.may_manage(event, user):
        raise Forbidden(N_("This event belongs to another organiser"))
    return session, event


@post("/organiser/sessions/{session_id:int}/materials", guards=[organiser_guard], include_in_schema=False)
async def organiser_upload(
    request: Request, session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    session, event = await _organiser_event_of_session(session_id, current_user)
    try:
        received = await _receive(request, settings)
        await service.add_material(engine, storage_of(settings), session, received, current_user, clock.now())
    except RuleViolation as exc:
        return await _organiser_page(request, event, settings, clock.now(), error=exc,
                                     error_target=f"file-{session_id}", status_code=exc.status_code)
    return Redirect(path=f"/organiser/events/{event['slug']}/materials?done=uploaded#session-{session_id}", status_code=303)


async def _organiser_material(material_id: int, user: CurrentUser) -> tuple[dict, dict, dict]:
    material, session, event = await _material_and_context(material_id)
    if not programme.may_manage(event, user):
        raise Forbidden(N_("This event belongs to another organiser"))
    return material, session, event


@post("/organiser/materials/{material_id:int}/versions", guards=[organiser_guard], include_in_schema=False)
async def organiser_replace(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> Template | Redirect:
    _material, session, event = await _organiser_material(material_id, current_user)
    try:
        received = await _receive(request, settings)
        await service.add_version(engine, storage_of(settings), material_id, received, current_user, clock.now())
    except RuleViolation as exc:
        return await _organiser_page(request, event, settings, clock.now(), error=exc,
                                     error_target=f"replace-{material_id}", status_code=exc.status_code)
    return Redirect(path=f"/organiser/events/{event['slug']}/materials?done=replaced#session-{session['id']}", status_code=303)


class SettingsForm(Struct):
    visibility: str = ""
    release: str = ""
    release_at: str = ""


@post("/organiser/materials/{material_id:int}/settings", guards=[organiser_guard], include_in_schema=False)
async def organiser_settings(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[SettingsForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    _material, session, event = await _organiser_material(material_id, current_user)
    try:
        release_at = _parse_local(data.release_at, event["timezone"], "release_at") if data.release == "at" else None
        await service.update_material(material_id, data.visibility or None, data.release or None, release_at, clock.now())
    except RuleViolation as exc:
        exc.errors = {f"{key}-{material_id}": message for key, message in exc.errors.items()}
        return await _organiser_page(request, event, settings, clock.now(), error=exc, status_code=400)
    return Redirect(path=f"/organiser/events/{event['slug']}/materials?done=saved#session-{session['id']}", status_code=303)


@post("/organiser/materials/{material_id:int}/remove", guards=[organiser_guard], include_in_schema=False)
async def organiser_remove(
    material_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep, engine: EngineDep
) -> Redirect:
    _material, session, event = await _organiser_material(material_id, current_user)
    await service.remove_material(engine, storage_of(settings), material_id)
    return Redirect(path=f"/organiser/events/{event['slug']}/materials?done=removed#session-{session['id']}", status_code=303)


# --- downloads ----------------------------------------------------------------------------------------------------------


@get("/materials/{material_id:int}/{filename:str}", opt={"csrf_free": True}, tags=["materials"],
     summary="Download a material (public, registrants via ?registration=<manage token>, organisers: ?version=N)")
async def download(
    material_id: FromPath[int], filename: FromPath[str], current_user: MaybeUserDep, clock: ClockDep,
    settings: SettingsDep, registration: FromQuery[str | None] = None,
    version: Annotated[int | None, QueryParameter(ge=1)] = None,
) -> File | Stream:
    row = await service.downloadable_version(material_id, version, current_user, registration, clock.now())
    name = row["original_name"]
    headers = {
        "content-disposition": f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}",
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-cache",
        # A manage token in the URL must not travel on in a Referer header.
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; sandbox",
    }
    storage = storage_of(settings)
    path = storage.local_path(row["storage_key"])
    if path is not None:
        return File(path=path, media_type=row["content_type"], headers=headers, content_disposition_type="attachment",
                    filename=ascii_fallback(name))
    headers["content-length"] = str(row["size"])
    return Stream(storage.open(row["storage_key"]), media_type=row["content_type"], headers=headers)


# --- API -----------------------------------------------------------------------------------------------------------------


@post("/api/sessions/{session_id:int}/materials", guards=[signed_in_guard], tags=["materials"], status_code=201,
      summary="Upload a material (multipart, field `file`): the session's speaker or the event's organiser",
      security=[{"BearerToken": []}], operation_class=MultipartUploadOperation, responses=UPLOAD_REFUSALS)
async def api_upload(
    request: Request, session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> MaterialOut:
    session, event = await service.session_and_event(session_id)
    await service.check_may_change(current_user, session, event, clock.now())
    received = await _receive(request, settings)
    material = await service.add_material(engine, storage_of(settings), session, received, current_user, clock.now())
    return material_out(material, session, clock.now(), full=True)


@post("/api/materials/{material_id:int}/versions", guards=[signed_in_guard], tags=["materials"], status_code=201,
      summary="Replace a material's file (multipart, field `file`): a new version", security=[{"BearerToken": []}],
      operation_class=MultipartUploadOperation, responses=UPLOAD_REFUSALS)
async def api_replace(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> MaterialOut:
    _material, session, event = await _material_and_context(material_id)
    await service.check_may_change(current_user, session, event, clock.now())
    received = await _receive(request, settings)
    material = await service.add_version(engine, storage_of(settings), material_id, received, current_user, clock.now())
    return material_out(material, session, clock.now(), full=True)


@get("/api/sessions/{session_id:int}/materials", tags=["materials"],
     summary="A session's materials: released public ones (plus registrants' with ?registration=); all for its "
             "organisers and speakers")
async def api_list(
    session_id: FromPath[int], current_user: MaybeUserDep, clock: ClockDep,
    registration: FromQuery[str | None] = None,
) -> list[MaterialOut]:
    now = clock.now()
    session, event = await service.session_and_event(session_id)
    if await service.may_see_all(current_user, session, event, now):
        materials = (await service.materials_of_sessions([session_id]))[session_id]
        return [material_out(m, session, now, full=True) for m in materials]
    if event["status"] == "draft":
        raise NotFound(N_("No session with this number"))
    registrant = await service.registration_for_token(event["id"], registration) is not None
    visible = (await service.participant_materials([session], event, now, registrant))[session_id]
    return [material_out(m, session, now, full=False, registration=registration if registrant else None) for m in visible]


@patch("/api/materials/{material_id:int}", guards=[signed_in_guard], tags=["materials"],
       summary="Set a material's visibility and release moment (organisers)", security=[{"BearerToken": []}])
async def api_update(
    material_id: FromPath[int], data: JSONBody[MaterialUpdate], current_user: CurrentUserDep, clock: ClockDep
) -> MaterialOut:
    _material, session, event = await _material_and_context(material_id)
    if not programme.may_manage(event, current_user):
        raise Forbidden(N_("Only the event's organisers set visibility and release."))
    material = await service.update_material(material_id, data.visibility, data.release, data.release_at, clock.now())
    return material_out(material, session, clock.now(), full=True)


@delete("/api/materials/{material_id:int}", guards=[signed_in_guard], tags=["materials"], status_code=204,
        summary="Remove a material with all its versions", security=[{"BearerToken": []}])
async def api_remove(
    material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep, engine: EngineDep
) -> None:
    _material, session, event = await _material_and_context(material_id)
    await service.check_may_change(current_user, session, event, clock.now())
    await service.remove_material(engine, storage_of(settings), material_id)


# --- panels on other domains' pages ------------------------------------------------------------------------------------


def _now(request: Request) -> datetime:
    return request.app.state.clock.now()


@provides("session_page")
async def session_panel(event: dict, session: dict, request: Request, current_user: CurrentUser | None = None, **_: Any) -> Section | None:
    visible = (await service.participant_materials([session], event, _now(request), registrant=False))[session["id"]]
    if not visible:
        return None
    return Section("materials/panel_session.html", {"materials": [_for_template(m, session, _now(request)) for m in visible]}, order=50)


@provides("event_page")
async def event_panel(event: dict, request: Request, **_: Any) -> Section | None:
    sessions = await programme.sessions_of(event["id"])
    visible = await service.participant_materials(sessions, event, _now(request), registrant=False)
    items = [
        {"session": s, "materials": [_for_template(m, s, _now(request)) for m in visible[s["id"]]]}
        for s in sessions if visible.get(s["id"])
    ]
    if not items:
        return None
    return Section("materials/panel_event.html", {"rows": items}, order=60)


@provides("manage_page")
async def manage_panel(event: dict, registration: Any, token: str, request: Request, **_: Any) -> Section | None:
    if registration.status != "confirmed":
        return None
    sessions = await programme.sessions_of(event["id"])
    visible = await service.participant_materials(sessions, event, _now(request), registrant=True)
    items = [
        {"session": s, "materials": [_for_template(m, s, _now(request), registration=token) for m in visible[s["id"]]]}
        for s in sessions if visible.get(s["id"])
    ]
    if not items:
        return None
    return Section("materials/panel_event.html", {"rows": items}, order=60)


@provides("organiser_event")
async def organiser_event_panel(event: dict, request: Request, **_: Any) -> Section | None:
    count = (await service.count_by_event([event["id"]])).get(event["id"], 0)
    return Section(
        "materials/panel_organiser.html",
        {"event": event, "count": count, "deadline_passed": service.deadline_passed(event, _now(request))},
        order=70,
    )


@provides("organiser_event_list")
async def organiser_event_list_panel(events: list, request: Request, **_: Any) -> Section | None:
    counts = await service.count_by_event([e["id"] for e in events])
    return Section("", {"columns": [N_("Materials")], "values": {e["id"]: [counts.get(e["id"], 0)] for e in events}}, order=70)


ROUTES = [
    speaker_home,
    speaker_upload,
    speaker_replace,
    speaker_remove,
    organiser_materials,
    organiser_deadline,
    organiser_upload,
    organiser_replace,
    organiser_settings,
    organiser_remove,
    download,
    api_upload,
    api_replace,
    api_list,
    api_update,
    api_remove,
]
