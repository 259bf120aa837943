"""Participant import over the API: `POST /api/events/{slug}/imports` with a multipart file → the preview;
`POST …/imports/{id}/commit` (editors of the event's organisation); `GET …/imports` and `GET …/imports/{id}`
(members: the list, and one import with its rows judged as a commit would now, or its result)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
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
from events.web.pagination import PAGE_HEADERS, PagingDep

NO_FILE = N_("Upload the list in the field `file` (CSV or .xlsx).")
TOO_LARGE = N_("The file is larger than 10 MB.")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
# A request a little larger than the file may be (the form's other fields and boundaries); larger ones are a 413.
MAX_REQUEST_BYTES = MAX_IMPORT_BYTES + 64 * 1024


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


class ImportSummaryOut(Struct):
    id: int
    filename: str
    created_at: datetime
    send_mails: bool
    committed_at: datetime | None
    result: ImportResultOut | None  # after the commit


class ImportDetailOut(ImportSummaryOut):
    preview: ImportPreviewOut | None  # before the commit: every row judged as a commit would now


def result_out(counts: dict[str, Any] | None) -> ImportResultOut | None:
    if counts is None:
        return None
    return ImportResultOut(**{k: v for k, v in counts.items() if k in ImportResultOut.__struct_fields__})


def summary_out(summary: service.ImportSummary) -> ImportSummaryOut:
    return ImportSummaryOut(id=summary.id, filename=summary.filename, created_at=summary.created_at,
                            send_mails=summary.send_mails, committed_at=summary.committed_at,
                            result=result_out(summary.result))


async def read_upload(form: Any) -> tuple[str, bytes]:
    """The uploaded list's name and bytes; a 400 without one, a 413 when larger than allowed."""
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise RuleViolation(NO_FILE, {"file": NO_FILE})
    content = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise RuleViolation(TOO_LARGE, {"file": TOO_LARGE}, status_code=413)
    if not content:
        raise RuleViolation(NO_FILE, {"file": NO_FILE})
    return upload.filename, content


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
      request_max_body_size=MAX_REQUEST_BYTES,
      summary="Upload a participant list (CSV or .xlsx: name, e-mail, organisation, the questions' labels): the preview")
async def api_import_preview(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
) -> ImportPreviewOut:
    event = await programme.event_for_organiser(slug, current_user)
    form = await request.form()
    filename, content = await read_upload(form)
    send_mails = str(form.get("send_mails", "true")).lower() not in ("false", "0", "no", "off")
    return preview_out(await service.preview(event, filename, content, send_mails, current_user, clock.now()))


@post("/api/events/{slug:str}/imports/{import_id:int}/commit", guards=[organiser_guard], tags=["imports"],
      status_code=200, security=[{"BearerToken": []}], responses=REFUSALS,
      summary="Commit a previewed import in one transaction: the rows without problems are registered")
async def api_import_commit(
    slug: FromPath[str], import_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> ImportResultOut:
    event = await programme.event_for_organiser(slug, current_user)
    counts = await service.commit(event, import_id, manage_links, current_user, clock.now())
    return result_out(counts)


@get("/api/events/{slug:str}/imports", guards=[organiser_guard], tags=["imports"], security=[{"BearerToken": []}],
     response_headers=PAGE_HEADERS, summary="The event's imports, newest first (paginated), with the result once committed")
async def api_imports(slug: FromPath[str], current_user: CurrentUserDep, paging: PagingDep) -> Response[list[ImportSummaryOut]]:
    event = await programme.event_for_member(slug, current_user)
    found, total = await service.imports_of(event, paging.offset, paging.limit)
    return paging.answer([summary_out(s) for s in found], total)


@get("/api/events/{slug:str}/imports/{import_id:int}", guards=[organiser_guard], tags=["imports"],
     security=[{"BearerToken": []}], summary="One import: before the commit its rows judged as a commit would now, "
     "after it the result")
async def api_import(
    slug: FromPath[str], import_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> ImportDetailOut:
    event = await programme.event_for_member(slug, current_user)
    summary, preview = await service.import_of(event, import_id, clock.now())
    return ImportDetailOut(**{f: getattr(summary_out(summary), f) for f in ImportSummaryOut.__struct_fields__},
                           preview=preview_out(preview) if preview else None)


ROUTES = [api_import_preview, api_import_commit, api_imports, api_import]
