"""The public library: its page, and the API that lists the library and the resources of published events and
sessions (retired resources left out; organisers may ask for them and for link health)."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.programme import service as programme
from events.programme.tables import EventStatus
from events.resources import service
from events.resources.routes.filters import known_filters, vocabulary
from events.resources.schemas import ResourceOut, resource_out
from events.web.deps import MaybeUserDep
from events.web.pagination import PAGE_HEADERS, PagingDep
from events.web.public_cache import PUBLIC_LIBRARY


@get("/library", include_in_schema=False, opt={"csrf_free": True, **PUBLIC_LIBRARY})
async def library_page(
    aspect: Annotated[str | None, QueryParameter(name="aspect")] = None,
    kind: Annotated[str | None, QueryParameter(name="kind")] = None,
    q: Annotated[str | None, QueryParameter(name="q", max_length=200)] = None,
    language: Annotated[str | None, QueryParameter(name="language")] = None,
) -> Template:
    aspect, kind = known_filters(aspect, kind)
    language = language if language in service.LANGUAGES else None
    rows = await service.list_resources(aspect=aspect, kind=kind, q=q, language=language, keepers=[])  # shared only
    return Template(
        "resources/library.html",
        context={
            **vocabulary(),
            "groups": service.group_by_aspect(rows),
            "count": len(rows),
            "filters": {"aspect": aspect or "", "kind": kind or "", "q": q or "", "language": language or ""},
            "filtered": bool(aspect or kind or q or language),
        },
    )


def _api_filter(name: str, value: str | None, allowed: dict) -> str | None:
    if value and value not in allowed:
        raise RuleViolation("Unknown filter value", {name: "Choose one of: " + ", ".join(allowed)})
    return value or None


@get("/api/resources", response_headers=PAGE_HEADERS,
     tags=["resources"], summary="The library (retired resources are left out)")
async def api_list_resources(paging: PagingDep,
    current_user: MaybeUserDep,
    aspect: Annotated[str | None, QueryParameter(name="aspect", description="One of the six aspects")] = None,
    kind: Annotated[str | None, QueryParameter(name="kind", description="story, guide, tool, recording or scan")] = None,
    q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Words in title, summary or tags")] = None,
    language: Annotated[str | None, QueryParameter(name="language")] = None,
    broken: Annotated[bool, QueryParameter(name="broken", description="Organisers: only broken links")] = False,
    retired: Annotated[bool, QueryParameter(name="retired", description="Organisers: include retired resources")] = False,
) -> Response[list[ResourceOut]]:
    organiser = current_user is not None and current_user.is_organiser
    rows = await service.list_resources(
        aspect=_api_filter("aspect", aspect, service.ASPECTS),
        kind=_api_filter("kind", kind, service.KINDS),
        q=q,
        language=_api_filter("language", language, service.LANGUAGES),
        include_retired=organiser and retired,
        broken_only=organiser and broken,
        # the shared library, and for organisers their own organisations' entries too
        keepers=await service.visible_organisation_ids(current_user) if organiser and current_user else [],
    )
    return paging.answer_all([resource_out(r, organiser) for r in rows])


@get("/api/resources/{resource_id:int}", tags=["resources"], summary="One resource")
async def api_get_resource(current_user: MaybeUserDep, resource_id: FromPath[int]) -> ResourceOut:
    organiser = current_user is not None and current_user.is_organiser
    row = await service.get_resource(resource_id, include_retired=organiser)
    if row.organisation is not None and (current_user is None or row.organisation not in await service.visible_organisation_ids(current_user)):
        raise NotFound(N_("No resource with this number"))  # an organisation's own entry: for its members
    return resource_out(row, organiser)


@get("/api/events/{slug:str}/resources", response_headers=PAGE_HEADERS,
     tags=["resources"], summary="The resources of a published event")
async def api_event_resources(paging: PagingDep, slug: FromPath[str]) -> Response[list[ResourceOut]]:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    return paging.answer_all([resource_out(r) for r in await service.resources_of_event(event["id"])])


@get("/api/sessions/{session_id:int}/resources", response_headers=PAGE_HEADERS,
     tags=["resources"], summary="The resources of a session")
async def api_session_resources(paging: PagingDep, session_id: FromPath[int]) -> Response[list[ResourceOut]]:
    session = await programme.session_by_id(session_id)
    event = await programme.event_by_id(session["event"]) if session else None
    if event is None or event["status"] == EventStatus.DRAFT:
        raise NotFound(N_("No session with this number"))
    return paging.answer_all([resource_out(r) for r in await service.resources_of_session(session_id)])
