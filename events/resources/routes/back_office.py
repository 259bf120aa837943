"""The organisers' pages of the library: the editor (add, change, retire, restore), the import page, and the
resources of one of their events and its sessions."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from msgspec import Struct

from events.accounts.service import CurrentUser
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.resources import service
from events.resources.routes.filters import known_filters, vocabulary
from events.resources.rows import ResourceRow
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep
from events.web.forms import translated
from events.web.routes import safe_next

MAX_IMPORT_BYTES = 2 * 1024 * 1024
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


# --- the editor ----------------------------------------------------------------------------------------------------


class ResourceForm(Struct):
    title: str = ""
    url: str = ""
    summary: str = ""
    aspect: str = ""
    kind: str = ""
    language: str = "nl"
    tags: str = ""
    organisation: str = ""  # the slug of the keeping organisation; empty: shared (admins) or one's only one


async def _keepers(user: CurrentUser) -> tuple[list[int], list[tuple[str, str]], bool]:
    """The organisations whose own entries this user sees, those where they may add and change entries
    (slug, name), and whether they edit the shared library (an admin)."""
    mine = await organisations.organisations_of(user)
    editable = [(m.organisation.slug, m.organisation.name) for m in mine if m.role.includes(OrgRole.EDITOR)]
    return [m.organisation.id for m in mine], editable, user.is_admin


def _may_change(resource: ResourceRow, editable_ids: set[int], admin: bool) -> bool:
    return admin if resource.organisation is None else resource.organisation in editable_ids


@get("/organiser/resources", guards=[organiser_guard], include_in_schema=False)
async def editor_page(
    current_user: CurrentUserDep,
    aspect: Annotated[str | None, QueryParameter(name="aspect")] = None,
    kind: Annotated[str | None, QueryParameter(name="kind")] = None,
    q: Annotated[str | None, QueryParameter(name="q", max_length=200)] = None,
    show: Annotated[str | None, QueryParameter(name="show")] = None,  # "broken" | "retired"
) -> Template:
    aspect, kind = known_filters(aspect, kind)
    show = show if show in ("broken", "retired") else ""
    visible, _editable, admin = await _keepers(current_user)
    editable_ids = set(await organisations.member_organisation_ids(current_user, OrgRole.EDITOR))
    rows = await service.list_resources(
        aspect=aspect, kind=kind, q=q, broken_only=show == "broken", retired_only=show == "retired", keepers=visible
    )
    broken_count = len(await service.list_resources(broken_only=True, keepers=visible))
    return Template(
        "resources/editor.html",
        context={
            **vocabulary(),
            "resources": rows,
            "changeable": {r.id for r in rows if _may_change(r, editable_ids, admin)},
            "may_add": admin or bool(editable_ids) or not visible,
            "links": await service.link_counts(),
            "broken_count": broken_count,
            "filters": {"aspect": aspect or "", "kind": kind or "", "q": q or "", "show": show},
        },
    )


def _form_page(
    resource: ResourceRow | None, values: dict, errors: dict, status: int = 200,
    keepers: list[tuple[str, str]] | None = None, shared: bool = False,
) -> Template:
    return Template(
        "resources/form.html",
        context={**vocabulary(), "resource": resource, "values": values, "errors": errors,
                 "keepers": keepers or [], "may_share": shared},
        status_code=status,
    )


@get("/organiser/resources/new", guards=[organiser_guard], include_in_schema=False)
async def new_resource_page(current_user: CurrentUserDep) -> Template:
    await service.require_may_add(current_user)
    _visible, editable, admin = await _keepers(current_user)
    return _form_page(None, {"language": "nl"}, {}, keepers=editable, shared=admin)


@post("/organiser/resources", guards=[organiser_guard], include_in_schema=False)
async def create_resource_form(
    request: Request, current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[ResourceForm, FormBody],
) -> Template | Redirect:
    values = {name: getattr(data, name) for name in data.__struct_fields__}
    slug = values.pop("organisation") or None
    try:
        row = await service.add_resource(values, current_user, clock.now(), slug)
    except (Forbidden, NotFound):
        raise
    except RuleViolation as exc:
        _visible, editable, admin = await _keepers(current_user)
        return _form_page(None, values, translated(request, exc.errors or {"title": exc.message}), 400,
                          keepers=editable, shared=admin)
    return Redirect(path=f"/organiser/resources?saved={row.id}", status_code=303)


@get("/organiser/resources/{resource_id:int}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_resource_page(resource_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    row = await service.resource_for(resource_id, current_user)
    return _form_page(row, {**asdict(row), "tags": ", ".join(row.tag_names)}, {})


@post("/organiser/resources/{resource_id:int}", guards=[organiser_guard], include_in_schema=False)
async def update_resource_form(
    request: Request, resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[ResourceForm, FormBody],
) -> Template | Redirect:
    row = await service.resource_for(resource_id, current_user)
    values = {name: getattr(data, name) for name in data.__struct_fields__}
    values.pop("organisation")  # who keeps an entry does not change
    try:
        await service.change_resource(resource_id, values, current_user, clock.now())
    except RuleViolation as exc:
        return _form_page(row, values, translated(request, exc.errors or {"title": exc.message}), 400)
    return Redirect(path=f"/organiser/resources?saved={resource_id}", status_code=303)


@post("/organiser/resources/{resource_id:int}/retire", guards=[organiser_guard], include_in_schema=False)
async def retire_resource_form(resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    await service.retire_resource_as(resource_id, current_user, clock.now())
    return Redirect(path="/organiser/resources", status_code=303)


@post("/organiser/resources/{resource_id:int}/restore", guards=[organiser_guard], include_in_schema=False)
async def restore_resource_form(resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    await service.restore_resource_as(resource_id, current_user, clock.now())
    return Redirect(path="/organiser/resources?show=retired", status_code=303)


# --- import ----------------------------------------------------------------------------------------------------------


class ImportForm(Struct):
    file: UploadFile | None = None
    pasted: str = ""


def _import_page(status: int = 200, **context: Any) -> Template:
    return Template("resources/import.html", context={"problems": None, "loaded": None, **context}, status_code=status)


@get("/organiser/resources/import", guards=[organiser_guard], include_in_schema=False)
async def import_page(current_user: CurrentUserDep) -> Template:
    await service.require_may_add(current_user)  # a viewer gets no form to fill in vain
    return _import_page()


@post("/organiser/resources/import", guards=[organiser_guard], include_in_schema=False)
async def import_resources_form(
    current_user: CurrentUserDep, clock: ClockDep, engine: EngineDep,
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    await service.require_may_add(current_user)  # who may not add entries hears 403 before any file error
    filename, content = "", b""
    if data.file is not None and data.file.filename:
        filename = data.file.filename
        content = await data.file.read(MAX_IMPORT_BYTES + 1)
    elif data.pasted.strip():
        content = data.pasted.encode("utf-8")
    if not content:
        return _import_page(400, message=N_("Choose a CSV or JSON file, or paste its contents"))
    if len(content) > MAX_IMPORT_BYTES:
        return _import_page(413, message=N_("The file is larger than 2 MB"))
    try:
        loaded = await service.import_resources_as(service.parse_import(filename, content), current_user, clock.now(), engine)
    except service.ImportRefused as exc:
        return _import_page(400, message=exc.message, problems=exc.problems)
    return _import_page(200, loaded=loaded)


# --- the resources of one event and its sessions ---------------------------------------------------------------------


class LinkForm(Struct):
    resource_id: int | None = None
    next: str = ""


def _back(slug: str, data: LinkForm | None = None) -> Redirect:
    default = f"/organiser/events/{slug}/resources"
    return Redirect(path=safe_next(data.next if data else None, default), status_code=303)


def _chosen(data: LinkForm) -> int:
    if data.resource_id is None:
        raise RuleViolation(N_("Choose a resource"), {"resource_id": N_("Choose a resource")})
    return data.resource_id


@get("/organiser/events/{slug:str}/resources", guards=[organiser_guard], include_in_schema=False)
async def event_resources_page(slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    linked_sessions = []
    for s in await programme.sessions_of(event["id"]):
        rows = await service.resources_of_session(s["id"], include_retired=True)
        choices = await service.choices_by_aspect(exclude=[r.id for r in rows], keepers=[event["organisation"]])
        linked_sessions.append({"session": s, "resources": rows, "choices": choices})
    linked = await service.resources_of_event(event["id"], include_retired=True)
    return Template(
        "resources/event_resources.html",
        context={
            "event": event,
            "resources": linked,
            "sessions": linked_sessions,
            "choices": await service.choices_by_aspect(exclude=[r.id for r in linked], keepers=[event["organisation"]]),
            "aspects": service.ASPECTS,
        },
    )


@post("/organiser/events/{slug:str}/resources", guards=[organiser_guard], include_in_schema=False)
async def attach_to_event_form(
    slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, clock: ClockDep,
    data: Annotated[LinkForm, FormBody],
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await service.link_resource(event, _chosen(data), current_user, engine, clock.now())
    return _back(slug, data)


@post("/organiser/events/{slug:str}/resources/{resource_id:int}/remove", guards=[organiser_guard], include_in_schema=False)
async def detach_from_event_form(
    slug: FromPath[str], resource_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[LinkForm, FormBody],
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await service.unlink_resource(event, resource_id, current_user, clock.now())
    return _back(slug, data)


async def _session_in_event(slug: str, session_id: int, user: CurrentUser) -> dict[str, Any]:
    event = await programme.event_for_organiser(slug, user)
    session = await programme.session_by_id(session_id)
    if session is None or session["event"] != event["id"]:
        raise NotFound(N_("No session with this number"))
    return event


@post("/organiser/events/{slug:str}/sessions/{session_id:int}/resources", guards=[organiser_guard], include_in_schema=False)
async def attach_to_session_form(
    slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep, clock: ClockDep,
    data: Annotated[LinkForm, FormBody],
) -> Redirect:
    event = await _session_in_event(slug, session_id, current_user)
    await service.link_resource(event, _chosen(data), current_user, engine, clock.now(), session_id=session_id)
    return _back(slug, data)


@post(
    "/organiser/events/{slug:str}/sessions/{session_id:int}/resources/{resource_id:int}/remove",
    guards=[organiser_guard], include_in_schema=False,
)
async def detach_from_session_form(
    slug: FromPath[str], session_id: FromPath[int], resource_id: FromPath[int], current_user: CurrentUserDep,
    clock: ClockDep, data: Annotated[LinkForm, FormBody],
) -> Redirect:
    event = await _session_in_event(slug, session_id, current_user)
    await service.unlink_resource(event, resource_id, current_user, clock.now(), session_id=session_id)
    return _back(slug, data)
