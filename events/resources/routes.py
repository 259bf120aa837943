"""Pages and API of the resources domain: the public library, the organiser editor and import, the links from
events and sessions, and the panels the library adds to other domains' pages and mails."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from msgspec import Struct

from events.accounts.service import CurrentUser
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import Section, provides
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
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, MaybeUserDep
from events.web.i18n import language_of
from events.web.routes import safe_next

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _translated(request: Request, errors: dict[str, str]) -> dict[str, str]:
    language = language_of(request)
    return {key: gettext_for(language, message) for key, message in errors.items()}


def _filters(aspect: str | None, kind: str | None) -> tuple[str | None, str | None]:
    """Unknown filter values on pages are ignored (a stale bookmark still shows the library)."""
    return (aspect if aspect in service.ASPECTS else None), (kind if kind in service.KINDS else None)


def _page_context() -> dict[str, Any]:
    return {"aspects": service.ASPECTS, "kinds": service.KINDS, "languages": service.LANGUAGES}


# --- the public library ------------------------------------------------------------------------------------------


@get("/library", include_in_schema=False, opt={"csrf_free": True})
async def library_page(
    aspect: Annotated[str | None, QueryParameter(name="aspect")] = None,
    kind: Annotated[str | None, QueryParameter(name="kind")] = None,
    q: Annotated[str | None, QueryParameter(name="q", max_length=200)] = None,
    language: Annotated[str | None, QueryParameter(name="language")] = None,
) -> Template:
    aspect, kind = _filters(aspect, kind)
    language = language if language in service.LANGUAGES else None
    rows = await service.list_resources(aspect=aspect, kind=kind, q=q, language=language)
    return Template(
        "resources/library.html",
        context={
            **_page_context(),
            "groups": service.group_by_aspect(rows),
            "count": len(rows),
            "filters": {"aspect": aspect or "", "kind": kind or "", "q": q or "", "language": language or ""},
            "filtered": bool(aspect or kind or q or language),
        },
    )


# --- API -----------------------------------------------------------------------------------------------------------


def _api_filter(name: str, value: str | None, allowed: dict) -> str | None:
    if value and value not in allowed:
        raise RuleViolation("Unknown filter value", {name: "Choose one of: " + ", ".join(allowed)})
    return value or None


@get("/api/resources", tags=["resources"], summary="The library (retired resources are left out)")
async def api_list_resources(
    current_user: MaybeUserDep,
    aspect: Annotated[str | None, QueryParameter(name="aspect", description="One of the six aspects")] = None,
    kind: Annotated[str | None, QueryParameter(name="kind", description="story, guide, tool, recording or scan")] = None,
    q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Words in title, summary or tags")] = None,
    language: Annotated[str | None, QueryParameter(name="language")] = None,
    broken: Annotated[bool, QueryParameter(name="broken", description="Organisers: only broken links")] = False,
    retired: Annotated[bool, QueryParameter(name="retired", description="Organisers: include retired resources")] = False,
) -> list[ResourceOut]:
    organiser = current_user is not None and current_user.is_organiser
    rows = await service.list_resources(
        aspect=_api_filter("aspect", aspect, service.ASPECTS),
        kind=_api_filter("kind", kind, service.KINDS),
        q=q,
        language=_api_filter("language", language, service.LANGUAGES),
        include_retired=organiser and retired,
        broken_only=organiser and broken,
    )
    return [resource_out(r, organiser) for r in rows]


@get("/api/resources/{resource_id:int}", tags=["resources"], summary="One resource")
async def api_get_resource(current_user: MaybeUserDep, resource_id: FromPath[int]) -> ResourceOut:
    organiser = current_user is not None and current_user.is_organiser
    return resource_out(await service.get_resource(resource_id, include_retired=organiser), organiser)


@post("/api/resources", guards=[organiser_guard], tags=["resources"], summary="Add a resource to the library")
async def api_create_resource(current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[ResourceIn]) -> ResourceOut:
    row = await service.create_resource(given_fields(data), current_user.id, clock.now())
    return resource_out(row, True)


@patch("/api/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"], summary="Change a resource")
async def api_update_resource(resource_id: FromPath[int], clock: ClockDep, data: JSONBody[ResourcePatch]) -> ResourceOut:
    return resource_out(await service.update_resource(resource_id, given_fields(data), clock.now()), True)


@delete(
    "/api/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"], status_code=200,
    summary="Retire a resource (hidden from pages; the row and its links stay for history)",
)
async def api_retire_resource(resource_id: FromPath[int], clock: ClockDep) -> ResourceOut:
    return resource_out(await service.retire_resource(resource_id, clock.now()), True)


@post(
    "/api/resources/import", guards=[organiser_guard], tags=["resources"], status_code=201,
    summary="Import a list of resources: all rows or none (errors are reported per line)",
)
async def api_import_resources(
    current_user: CurrentUserDep, clock: ClockDep, engine: EngineDep, data: JSONBody[list[dict[str, Any]]]
) -> ImportResult:
    rows = [(position, item) for position, item in enumerate(data, start=1)]
    return ImportResult(loaded=await service.import_resources(rows, current_user.id, clock.now(), engine))


@get("/api/events/{slug:str}/resources", tags=["resources"], summary="The resources of a published event")
async def api_event_resources(slug: FromPath[str]) -> list[ResourceOut]:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    return [resource_out(r) for r in await service.resources_of_event(event["id"])]


@post("/api/events/{slug:str}/resources", guards=[organiser_guard], tags=["resources"], summary="Link a resource to my event")
async def api_attach_to_event(
    slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, data: JSONBody[ResourceLink]
) -> list[ResourceOut]:
    event = await programme.event_for_organiser(slug, current_user)
    await service.attach_to_event(event["id"], data.resource_id, engine)
    return [resource_out(r, True) for r in await service.resources_of_event(event["id"])]


@delete(
    "/api/events/{slug:str}/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"],
    summary="Unlink a resource from my event",
)
async def api_detach_from_event(slug: FromPath[str], resource_id: FromPath[int], current_user: CurrentUserDep) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await service.detach_from_event(event["id"], resource_id)


async def _session_of_my_event(session_id: int, user: CurrentUser) -> tuple[dict, dict]:
    session = await programme.session_by_id(session_id)
    if session is None:
        raise NotFound(N_("No session with this number"))
    event = await programme.event_by_id(session["event"])
    if not programme.may_manage(event, user):
        raise Forbidden(N_("This event belongs to another organiser"))
    return event, session


@get("/api/sessions/{session_id:int}/resources", tags=["resources"], summary="The resources of a session")
async def api_session_resources(session_id: FromPath[int]) -> list[ResourceOut]:
    session = await programme.session_by_id(session_id)
    event = await programme.event_by_id(session["event"]) if session else None
    if event is None or event["status"] == "draft":
        raise NotFound(N_("No session with this number"))
    return [resource_out(r) for r in await service.resources_of_session(session_id)]


@post("/api/sessions/{session_id:int}/resources", guards=[organiser_guard], tags=["resources"], summary="Link a resource to a session of my event")
async def api_attach_to_session(
    session_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep, data: JSONBody[ResourceLink]
) -> list[ResourceOut]:
    await _session_of_my_event(session_id, current_user)
    await service.attach_to_session(session_id, data.resource_id, engine)
    return [resource_out(r, True) for r in await service.resources_of_session(session_id)]


@delete(
    "/api/sessions/{session_id:int}/resources/{resource_id:int}", guards=[organiser_guard], tags=["resources"],
    summary="Unlink a resource from a session of my event",
)
async def api_detach_from_session(session_id: FromPath[int], resource_id: FromPath[int], current_user: CurrentUserDep) -> None:
    await _session_of_my_event(session_id, current_user)
    await service.detach_from_session(session_id, resource_id)


# --- organiser editor ----------------------------------------------------------------------------------------------


class ResourceForm(Struct):
    title: str = ""
    url: str = ""
    summary: str = ""
    aspect: str = ""
    kind: str = ""
    language: str = "nl"
    tags: str = ""


FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


@get("/organiser/resources", guards=[organiser_guard], include_in_schema=False)
async def editor_page(
    aspect: Annotated[str | None, QueryParameter(name="aspect")] = None,
    kind: Annotated[str | None, QueryParameter(name="kind")] = None,
    q: Annotated[str | None, QueryParameter(name="q", max_length=200)] = None,
    show: Annotated[str | None, QueryParameter(name="show")] = None,  # "broken" | "retired"
) -> Template:
    aspect, kind = _filters(aspect, kind)
    show = show if show in ("broken", "retired") else ""
    rows = await service.list_resources(
        aspect=aspect, kind=kind, q=q, broken_only=show == "broken", retired_only=show == "retired"
    )
    broken_count = len(await service.list_resources(broken_only=True))
    return Template(
        "resources/editor.html",
        context={
            **_page_context(),
            "resources": rows,
            "links": await service.link_counts(),
            "broken_count": broken_count,
            "filters": {"aspect": aspect or "", "kind": kind or "", "q": q or "", "show": show},
        },
    )


def _form_page(resource: dict | None, values: dict, errors: dict, status: int = 200) -> Template:
    return Template(
        "resources/form.html",
        context={**_page_context(), "resource": resource, "values": values, "errors": errors},
        status_code=status,
    )


@get("/organiser/resources/new", guards=[organiser_guard], include_in_schema=False)
async def new_resource_page() -> Template:
    return _form_page(None, {"language": "nl"}, {})


@post("/organiser/resources", guards=[organiser_guard], include_in_schema=False)
async def create_resource_form(
    request: Request, current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[ResourceForm, FormBody],
) -> Template | Redirect:
    values = {name: getattr(data, name) for name in data.__struct_fields__}
    try:
        row = await service.create_resource(values, current_user.id, clock.now())
    except RuleViolation as exc:
        return _form_page(None, values, _translated(request, exc.errors or {"title": exc.message}), 400)
    return Redirect(path=f"/organiser/resources?saved={row['id']}", status_code=303)


@get("/organiser/resources/{resource_id:int}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_resource_page(resource_id: FromPath[int]) -> Template:
    row = await service.get_resource(resource_id, include_retired=True)
    values = {**row, "tags": ", ".join(service.tag_list(row))}
    return _form_page(row, values, {})


@post("/organiser/resources/{resource_id:int}", guards=[organiser_guard], include_in_schema=False)
async def update_resource_form(
    request: Request, resource_id: FromPath[int], clock: ClockDep, data: Annotated[ResourceForm, FormBody]
) -> Template | Redirect:
    row = await service.get_resource(resource_id, include_retired=True)
    values = {name: getattr(data, name) for name in data.__struct_fields__}
    try:
        await service.update_resource(resource_id, values, clock.now())
    except RuleViolation as exc:
        return _form_page(row, values, _translated(request, exc.errors or {"title": exc.message}), 400)
    return Redirect(path=f"/organiser/resources?saved={resource_id}", status_code=303)


@post("/organiser/resources/{resource_id:int}/retire", guards=[organiser_guard], include_in_schema=False)
async def retire_resource_form(resource_id: FromPath[int], clock: ClockDep) -> Redirect:
    await service.retire_resource(resource_id, clock.now())
    return Redirect(path="/organiser/resources", status_code=303)


@post("/organiser/resources/{resource_id:int}/restore", guards=[organiser_guard], include_in_schema=False)
async def restore_resource_form(resource_id: FromPath[int], clock: ClockDep) -> Redirect:
    await service.restore_resource(resource_id, clock.now())
    return Redirect(path="/organiser/resources?show=retired", status_code=303)


class ImportForm(Struct):
    file: UploadFile | None = None
    pasted: str = ""


def _import_page(request: Request, status: int = 200, **context: Any) -> Template:
    return Template("resources/import.html", context={"problems": None, "loaded": None, **context}, status_code=status)


@get("/organiser/resources/import", guards=[organiser_guard], include_in_schema=False)
async def import_page(request: Request) -> Template:
    return _import_page(request)


@post("/organiser/resources/import", guards=[organiser_guard], include_in_schema=False)
async def import_resources_form(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, engine: EngineDep,
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    filename, content = "", b""
    if data.file is not None and data.file.filename:
        filename = data.file.filename
        content = await data.file.read(MAX_IMPORT_BYTES + 1)
    elif data.pasted.strip():
        content = data.pasted.encode("utf-8")
    if not content:
        return _import_page(request, 400, message=N_("Choose a CSV or JSON file, or paste its contents"))
    if len(content) > MAX_IMPORT_BYTES:
        return _import_page(request, 413, message=N_("The file is larger than 2 MB"))
    try:
        loaded = await service.import_resources(
            service.parse_import(filename, content), current_user.id, clock.now(), engine
        )
    except service.ImportRefused as exc:
        return _import_page(request, 400, message=exc.message, problems=exc.problems)
    return _import_page(request, 200, loaded=loaded)


# --- organiser: the resources of one event and its sessions ------------------------------------------------------


class LinkForm(Struct):
    resource_id: int | None = None
    next: str = ""


def _back(slug: str, data: LinkForm | None = None) -> Redirect:
    default = f"/organiser/events/{slug}/resources"
    return Redirect(path=safe_next(data.next if data else None, default), status_code=303)


@get("/organiser/events/{slug:str}/resources", guards=[organiser_guard], include_in_schema=False)
async def event_resources_page(slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    sessions = await programme.sessions_of(event["id"])
    linked_sessions = []
    for s in sessions:
        rows = await service.resources_of_session(s["id"], include_retired=True)
        linked_sessions.append(
            {"session": s, "resources": rows, "choices": await service.choices_by_aspect(exclude=[r["id"] for r in rows])}
        )
    linked = await service.resources_of_event(event["id"], include_retired=True)
    return Template(
        "resources/event_resources.html",
        context={
            "event": event,
            "resources": linked,
            "sessions": linked_sessions,
            "choices": await service.choices_by_aspect(exclude=[r["id"] for r in linked]),
            "aspects": service.ASPECTS,
        },
    )


@post("/organiser/events/{slug:str}/resources", guards=[organiser_guard], include_in_schema=False)
async def attach_to_event_form(
    slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, data: Annotated[LinkForm, FormBody]
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    if data.resource_id is None:
        raise RuleViolation(N_("Choose a resource"), {"resource_id": N_("Choose a resource")})
    await service.attach_to_event(event["id"], data.resource_id, engine)
    return _back(slug, data)


@post("/organiser/events/{slug:str}/resources/{resource_id:int}/remove", guards=[organiser_guard], include_in_schema=False)
async def detach_from_event_form(
    slug: FromPath[str], resource_id: FromPath[int], current_user: CurrentUserDep, data: Annotated[LinkForm, FormBody]
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await service.detach_from_event(event["id"], resource_id)
    return _back(slug, data)


async def _session_in_event(slug: str, session_id: int, user: CurrentUser) -> dict:
    event = await programme.event_for_organiser(slug, user)
    session = await programme.session_by_id(session_id)
    if session is None or session["event"] != event["id"]:
        raise NotFound(N_("No session with this number"))
    return session


@post("/organiser/events/{slug:str}/sessions/{session_id:int}/resources", guards=[organiser_guard], include_in_schema=False)
async def attach_to_session_form(
    slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep,
    data: Annotated[LinkForm, FormBody],
) -> Redirect:
    await _session_in_event(slug, session_id, current_user)
    if data.resource_id is None:
        raise RuleViolation(N_("Choose a resource"), {"resource_id": N_("Choose a resource")})
    await service.attach_to_session(session_id, data.resource_id, engine)
    return _back(slug, data)


@post(
    "/organiser/events/{slug:str}/sessions/{session_id:int}/resources/{resource_id:int}/remove",
    guards=[organiser_guard], include_in_schema=False,
)
async def detach_from_session_form(
    slug: FromPath[str], session_id: FromPath[int], resource_id: FromPath[int], current_user: CurrentUserDep,
    data: Annotated[LinkForm, FormBody],
) -> Redirect:
    await _session_in_event(slug, session_id, current_user)
    await service.detach_from_session(session_id, resource_id)
    return _back(slug, data)


# --- panels on other domains' pages and mails ----------------------------------------------------------------------


@provides("event_page")
async def event_page_panel(event: dict, **_: Any) -> Section | None:
    rows = await service.resources_of_event(event["id"])
    if not rows:
        return None
    return Section("resources/_event_resources.html", {"groups": service.group_by_aspect(rows), "aspects": service.ASPECTS}, order=50)


@provides("session_page")
async def session_page_panel(session: dict, **_: Any) -> Section | None:
    rows = await service.resources_of_session(session["id"])
    if not rows:
        return None
    return Section("resources/_session_resources.html", {"resources": rows, "aspects": service.ASPECTS}, order=50)


@provides("organiser_event")
async def organiser_event_panel(event: dict, request: Request, **_: Any) -> Section:
    linked = await service.resources_of_event(event["id"], include_retired=True)
    return Section(
        "resources/_organiser_event_resources.html",
        {
            "event": event,
            "resources": linked,
            "choices": await service.choices_by_aspect(exclude=[r["id"] for r in linked]),
            "aspects": service.ASPECTS,
            "next": request.url.path,
        },
        order=60,
    )


MAIL_KINDS_WITH_RESOURCES = ("confirmed", "promoted", "reminder")  # the confirmation (also after the waiting list) and the reminder


@provides("registration_mail")
async def registration_mail_panel(event: dict, kind: str = "", language: str = "nl", **_: Any) -> Section | None:
    if kind not in MAIL_KINDS_WITH_RESOURCES:
        return None
    rows = await service.resources_of_event(event["id"])
    if not rows:
        return None
    return Section(
        "resources/_mail_resources",
        {"groups": service.group_by_aspect(rows), "aspects": service.ASPECTS, "language": language},
        order=80,
    )


ROUTES = [
    library_page,
    api_list_resources,
    api_get_resource,
    api_create_resource,
    api_update_resource,
    api_retire_resource,
    api_import_resources,
    api_event_resources,
    api_attach_to_event,
    api_detach_from_event,
    api_session_resources,
    api_attach_to_session,
    api_detach_from_session,
    editor_page,
    new_resource_page,
    create_resource_form,
    edit_resource_page,
    update_resource_form,
    retire_resource_form,
    restore_resource_form,
    import_page,
    import_resources_form,
    event_resources_page,
    attach_to_event_form,
    detach_from_event_form,
    attach_to_session_form,
    detach_from_session_form,
]
