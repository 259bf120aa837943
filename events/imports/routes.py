"""Participant import over HTTP: the API (`POST /api/events/{slug}/imports` with a multipart file → the preview;
`POST …/imports/{id}/commit`) for editors of the event's organisation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from litestar import Request, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath
from msgspec import Struct

from events.imports import service
from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.programme import service as programme
from events.registration.routes.dependencies import ManageLinksDep
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep

NO_FILE = N_("Upload the list in the field `file` (CSV or .xlsx).")


class Problem(Struct):
    type: str
    title: str
    status: int
    detail: str


class ImportRowOut(Struct):
    line: int
    name: str
    email: str
    organisation: str
    answers: dict[str, Any]
    outcome: str | None  # confirmed | waitlisted | pending, or None: the row is left out
    errors: dict[str, str]  # field -> problem (email, name, q<question id>, event)
    notes: list[str]


class ImportPreviewOut(Struct):
    id: int
    send_mails: bool
    counts: dict[str, int]
    unknown_columns: list[str]
    rows: list[ImportRowOut]


class ImportResultOut(Struct):
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    refused: list[dict[str, Any]] = []


REFUSALS = {
    400: ResponseSpec(Problem, description="No file, an unreadable file, or no name and e-mail columns"),
    403: ResponseSpec(Problem, description="A viewer of the organisation may not import"),
    404: ResponseSpec(Problem, description="No such event of yours, or no such import"),
    409: ResponseSpec(Problem, description="This import has already been committed"),
}


@dataclass
class ImportUploadOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(required=True, description="The list in `file`; `send_mails=false` sends no mails.",
                                        content={"multipart/form-data": OpenAPIMediaType(schema=Schema(
                                            type=OpenAPIType.OBJECT, required=["file"], properties={
                                                "file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
                                                "send_mails": Schema(type=OpenAPIType.BOOLEAN)}))})


def preview_out(preview: service.ImportPreview) -> ImportPreviewOut:
    return ImportPreviewOut(id=preview.id, send_mails=preview.send_mails, counts=preview.counts,
                            unknown_columns=preview.unknown_columns, rows=[ImportRowOut(**asdict(r)) for r in preview.rows])


@post("/api/events/{slug:str}/imports", guards=[organiser_guard], tags=["imports"], status_code=201,
      security=[{"BearerToken": []}], responses=REFUSALS, operation_class=ImportUploadOperation,
      summary="Upload a participant list (CSV or .xlsx: name, e-mail, organisation, the questions' labels): the preview")
async def api_import_preview(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
) -> ImportPreviewOut:
    event = await programme.event_for_organiser(slug, current_user)
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise RuleViolation(NO_FILE, {"file": NO_FILE})
    content = await upload.read()
    send_mails = str(form.get("send_mails", "true")).lower() not in ("false", "0", "no", "off")
    return preview_out(await service.preview(event, upload.filename or "", content, send_mails, current_user, clock.now()))


@post("/api/events/{slug:str}/imports/{import_id:int}/commit", guards=[organiser_guard], tags=["imports"],
      status_code=200, security=[{"BearerToken": []}], responses=REFUSALS,
      summary="Commit a previewed import in one transaction: the rows without problems are registered")
async def api_import_commit(
    slug: FromPath[str], import_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> ImportResultOut:
    event = await programme.event_for_organiser(slug, current_user)
    counts = await service.commit(event, import_id, manage_links, current_user, clock.now())
    return ImportResultOut(**{k: v for k, v in counts.items() if k in ImportResultOut.__struct_fields__})


ROUTES = [api_import_preview, api_import_commit]
