"""The registration API: registering and the manage token's own answer and cancellation (public, no session),
and the organiser's attendee list (JSON or the Excel CSV)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.registration import service
from events.registration.routes.back_office import FILTERS, attendee_csv
from events.registration.routes.dependencies import ManageLinksDep, RegistrationDeskDep, by_token
from events.registration.rows import RegistrationRow
from events.registration.schemas import (
    RegistrationAnswer,
    RegistrationIn,
    RegistrationListItem,
    RegistrationView,
)
from events.registration.service import Applicant
from events.web.auth import SKIP_AUTH, SKIP_COMPRESSION, organiser_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.pagination import PAGE_HEADERS, PagingDep

# Public API calls need no session: skipping it spares a session-store write (and a cookie) per registration.
PUBLIC_API = {"skip_session": True}
# Registering needs no signed-in user either (anyone may register; the API has no organiser view of it), and its
# answer (a few hundred bytes, under the compression threshold) skips the compression middleware's wrapping.
REGISTER_API = {**PUBLIC_API, SKIP_AUTH: True, SKIP_COMPRESSION: True}


def _view(outcome: service.Outcome) -> RegistrationView:
    return RegistrationView(
        id=outcome.id, status=outcome.status, position=outcome.position, token=outcome.token,
        manage_url=outcome.manage_url,
    )


@post("/api/events/{slug:str}/registrations", tags=["registration"], status_code=201, name="api:register", opt=REGISTER_API)
async def api_register(
    request: Request, slug: FromPath[str], data: JSONBody[RegistrationIn], registration_desk: RegistrationDeskDep
) -> Response:
    """Register for an event. 201 when created; 200 with the existing registration (no token: the manage link
    is mailed again instead) when this e-mail is already registered; 409 when closed; 400 with failing fields."""
    answers: dict[str, Any] = {}
    for key, value in (data.answers or {}).items():
        answers[key[1:] if key.startswith("q") else key] = value
    applicant = Applicant(
        name=data.name, email=data.email, organisation=data.organisation or "", answers=answers, language=data.language
    )
    # The clock from the app's state, not a second dependency: Litestar resolves two or more in a task group,
    # a measurable share of the rush's event loop.
    outcome = await registration_desk.register(slug, applicant, request.app.state.clock.now())
    return Response(_view(outcome), status_code=201 if outcome.created else 200)


@get("/api/registrations/{token:str}", tags=["registration"], name="api:registration", opt=PUBLIC_API)
async def api_registration(token: FromPath[str]) -> RegistrationAnswer:
    row = await by_token(token)
    event = await programme.event_by_id(row.event_id)
    return RegistrationAnswer(
        id=row.id,
        status=row.status,
        position=row.position,
        event_slug=event["slug"],
        event_title=event["title"],
        name=row.name,
        email=row.email,
        organisation=row.organisation,
        answers=row.answers,
        checked_in=row.checked_in_at is not None,
        join_url=service.join_url_for(event, row.status),
    )


@delete("/api/registrations/{token:str}", tags=["registration"], status_code=200, name="api:cancel", opt=PUBLIC_API)
async def api_cancel(token: FromPath[str], clock: ClockDep, manage_links: ManageLinksDep) -> RegistrationView:
    row = await service.cancel_by_token(token, clock.now(), manage_links)
    return RegistrationView(id=row.id, status=row.status, position=None, token=None, manage_url=None)


def list_item(r: RegistrationRow) -> RegistrationListItem:
    return RegistrationListItem(
        id=r.id, status=r.status, position=r.position, name=r.name, email=r.email, organisation=r.organisation,
        answers=r.answers, registered_at=r.created_at, checked_in_at=r.checked_in_at,
    )


@get("/api/events/{slug:str}/registrations", tags=["registration"], guards=[organiser_guard], name="api:registrations",
     response_headers=PAGE_HEADERS, summary="The attendee list (paginated; filter by status, search with q)")
async def api_registrations(
    request: Request,
    current_user: CurrentUserDep,
    slug: FromPath[str],
    clock: ClockDep,
    paging: PagingDep,
    format_: Annotated[str, QueryParameter(name="format", description="json, or csv for the Excel export")] = "json",
    status: Annotated[str, QueryParameter(name="status", description=" | ".join(FILTERS))] = "",
    q: Annotated[str, QueryParameter(name="q", max_length=200, description="Words in name, e-mail or organisation")] = "",
) -> Response[list[RegistrationListItem]]:
    """The attendee list of an event you organise, in queue order; `?format=csv` for the Excel export (whole)."""
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    if format_ == "csv":
        return await attendee_csv(request, event, current_user, clock)
    if status and status not in FILTERS:
        raise RuleViolation(N_("Invalid filter"), {"status": "Choose one of: " + ", ".join(FILTERS)})
    rows = await service.list_for_organiser(event, current_user, clock.now(), status or None, q)
    return paging.answer([list_item(r) for r in paging.window(rows)], len(rows))


ROUTES = [api_register, api_registration, api_cancel, api_registrations]
