"""The materials API: uploads and new versions (multipart, read from the stream), a session's materials,
visibility and release, removing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Request, Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody

from events.kernel.errors import Forbidden, NotFound
from events.kernel.i18n import N_
from events.materials import service
from events.materials.routes.shown import download_url
from events.materials.routes.upload_stream import receive_file
from events.materials.rows import MaterialRow
from events.materials.schemas import ErrorBody, MaterialOut, MaterialUpdate, MaterialVersionOut
from events.materials.storage import storage_for
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.tables import EventStatus
from events.web.auth import organiser_guard, signed_in_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, MaybeUserDep, SettingsDep
from events.web.pagination import PAGE_HEADERS, PagingDep


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


def material_out(
    material: MaterialRow, session: dict, now: datetime, full: bool, registration: str | None = None
) -> MaterialOut:
    """`full`: with every version (organisers and the session's speakers)."""
    current = material.current
    versions = None
    if full:
        versions = [
            MaterialVersionOut(
                version=v.version, name=v.original_name, content_type=v.content_type, size=v.size,
                sha256=v.sha256, uploaded_at=v.uploaded_at, url=download_url(material, v.version),
            )
            for v in material.versions
        ]
    return MaterialOut(
        id=material.id,
        session_id=material.session,
        version=current.version,
        name=current.original_name,
        content_type=current.content_type,
        size=current.size,
        sha256=current.sha256,
        url=download_url(material, registration=registration),
        visibility=material.visibility,
        release=material.release,
        release_at=material.release_at,
        released=service.is_released(material, session, now),
        uploaded_at=current.uploaded_at,
        versions=versions,
    )


@post("/api/sessions/{session_id:int}/materials", guards=[signed_in_guard], tags=["materials"], status_code=201,
      summary="Upload a material (multipart, field `file`): the session's speaker or the event's organiser",
      security=[{"BearerToken": []}], operation_class=MultipartUploadOperation, responses=UPLOAD_REFUSALS)
async def api_upload(
    request: Request, session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> MaterialOut:
    session, event = await service.session_and_event(session_id)
    await service.check_may_change(current_user, session, event, clock.now())
    received = await receive_file(request, settings)
    storage = storage_for(settings.data_dir)
    material = await service.add_material(engine, storage, session, received, current_user, clock.now())
    return material_out(material, session, clock.now(), full=True)


@post("/api/materials/{material_id:int}/versions", guards=[signed_in_guard], tags=["materials"], status_code=201,
      summary="Replace a material's file (multipart, field `file`): a new version", security=[{"BearerToken": []}],
      operation_class=MultipartUploadOperation, responses=UPLOAD_REFUSALS)
async def api_replace(
    request: Request, material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, engine: EngineDep,
) -> MaterialOut:
    session, event = await service.session_and_event_of_material(material_id)
    await service.check_may_change(current_user, session, event, clock.now())
    received = await receive_file(request, settings)
    storage = storage_for(settings.data_dir)
    material = await service.add_version(engine, storage, material_id, received, current_user, clock.now())
    return material_out(material, session, clock.now(), full=True)


@get("/api/sessions/{session_id:int}/materials", tags=["materials"], response_headers=PAGE_HEADERS,
     summary="A session's materials: released public ones (plus registrants' with ?registration=); all for its "
             "organisers and speakers")
async def api_list(
    session_id: FromPath[int], current_user: MaybeUserDep, clock: ClockDep, paging: PagingDep,
    registration: FromQuery[str | None] = None,
) -> Response[list[MaterialOut]]:
    now = clock.now()
    session, event = await service.session_and_event(session_id)
    if await service.may_see_all(current_user, session, event, now):
        materials = (await service.materials_of_sessions([session_id]))[session_id]
        return paging.answer_all([material_out(m, session, now, full=True) for m in materials])
    if event["status"] == EventStatus.DRAFT:
        raise NotFound(N_("No session with this number"))
    registrant = await service.is_confirmed_registrant(event["id"], registration)
    visible = (await service.participant_materials([session], event, now, registrant))[session_id]
    return paging.answer_all(
        [material_out(m, session, now, full=False, registration=registration if registrant else None) for m in visible]
    )


@patch("/api/materials/{material_id:int}", guards=[signed_in_guard], tags=["materials"],
       summary="Set a material's visibility and release moment (organisers)", security=[{"BearerToken": []}])
async def api_update(
    material_id: FromPath[int], data: JSONBody[MaterialUpdate], current_user: CurrentUserDep, clock: ClockDep
) -> MaterialOut:
    session, event = await service.session_and_event_of_material(material_id)
    if await programme.role_for_event(event, current_user) is None and await programme.is_speaker_of(session["id"], current_user.id):
        raise Forbidden(N_("Only the event's organisers set visibility and release."))
    await service.require_organiser(event, current_user, missing=N_("No file with this number"))
    material = await service.update_material(material_id, data.visibility, data.release, data.release_at, clock.now())
    return material_out(material, session, clock.now(), full=True)


@delete("/api/materials/{material_id:int}", guards=[signed_in_guard], tags=["materials"], status_code=204,
        summary="Remove a material with all its versions", security=[{"BearerToken": []}])
async def api_remove(
    material_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep, engine: EngineDep
) -> None:
    session, event = await service.session_and_event_of_material(material_id)
    await service.check_may_change(current_user, session, event, clock.now())
    await service.remove_material(engine, storage_for(settings.data_dir), material_id)


@get("/api/events/{slug:str}/materials", tags=["materials"], response_headers=PAGE_HEADERS, guards=[organiser_guard],
     security=[{"BearerToken": []}], summary="Every material of the event's sessions, by session, with their versions "
     "(organisers; paginated). The upload deadline is the event's `upload_deadline` (PATCH /api/events/{slug})")
async def api_event_materials(
    slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, paging: PagingDep
) -> Response[list[MaterialOut]]:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    sessions = {s["id"]: s for s in await programme.sessions_of(event["id"])}
    materials = await service.materials_of_sessions(list(sessions))
    every = [(m, sessions[session_id]) for session_id in sessions for m in materials.get(session_id, [])]
    now = clock.now()
    return paging.answer([material_out(m, session, now, full=True) for m, session in paging.window(every)], len(every))


ROUTES = [api_upload, api_replace, api_list, api_update, api_remove, api_event_materials]
