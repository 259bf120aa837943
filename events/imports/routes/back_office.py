"""The import page of an event's back office: members see the event's imports; editors upload a list (CSV or
.xlsx) and get the preview of every row with its problem, choose whether the import sends confirmation mails, and
commit it; the same page then shows the result."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from events.imports import service
from events.imports.routes.api import MAX_REQUEST_BYTES, read_upload
from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.programme import service as programme
from events.registration import service as registration
from events.registration.routes.dependencies import ManageLinksDep
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep

PAGE = "/organiser/events/{slug:str}/imports"
FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
LIST_LENGTH = 50
# What a row's problem is about, as the page names it (questions by their label).
FIELDS = {"name": N_("Name"), "email": N_("E-mail address"), "organisation": N_("Organisation"), "event": N_("Event"),
          "row": N_("Row")}
NO_STORE = {"cache-control": "no-store"}  # the pages show people's names and addresses


def _list_page(event: dict[str, Any], imports: list, total: int, errors: dict | None = None, status_code: int = 200) -> Template:
    return Template("imports/list.html", context={"event": event, "imports": imports, "total": total,
                                                  "errors": errors or {}}, status_code=status_code, headers=NO_STORE)


@get(PAGE, guards=[organiser_guard], include_in_schema=False, name="imports:list")
async def imports_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_member(slug, current_user)
    imports, total = await service.imports_of(event, 0, LIST_LENGTH)
    return _list_page(event, imports, total)


@post(PAGE, guards=[organiser_guard], include_in_schema=False, request_max_body_size=MAX_REQUEST_BYTES,
      name="imports:upload")
async def upload(request: Request, current_user: CurrentUserDep, slug: FromPath[str], clock: ClockDep) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    form = await request.form()
    try:
        filename, content = await read_upload(form)
        preview = await service.preview(event, filename, content, form.get("send_mails") != "no", current_user, clock.now())
    except RuleViolation as refusal:
        imports, total = await service.imports_of(event, 0, LIST_LENGTH)
        return _list_page(event, imports, total, refusal.errors or {"file": refusal.message}, refusal.status_code)
    return Redirect(path=f"/organiser/events/{slug}/imports/{preview.id}", status_code=303)


@get(PAGE + "/{import_id:int}", guards=[organiser_guard], include_in_schema=False, name="imports:one")
async def import_page(current_user: CurrentUserDep, slug: FromPath[str], import_id: FromPath[int], clock: ClockDep) -> Template:
    """Before the commit: every row judged as a commit would now; after it: the result."""
    event = await programme.event_for_member(slug, current_user)
    summary, preview = await service.import_of(event, import_id, clock.now())
    fields = {**FIELDS, **{f"q{q.id}": q.label for q in await registration.questions_of(event["id"])}}
    return Template("imports/import.html", context={"event": event, "summary": summary, "preview": preview,
                                                    "fields": fields}, headers=NO_STORE)


@post(PAGE + "/{import_id:int}/commit", guards=[organiser_guard], include_in_schema=False, name="imports:commit")
async def commit(
    current_user: CurrentUserDep, slug: FromPath[str], import_id: FromPath[int], clock: ClockDep,
    manage_links: ManageLinksDep, data: FormBody,
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await service.commit(event, import_id, manage_links, current_user, clock.now(), send_mails=data.get("send_mails") != "no")
    return Redirect(path=f"/organiser/events/{slug}/imports/{import_id}", status_code=303)


ROUTES = [imports_page, upload, import_page, commit]
