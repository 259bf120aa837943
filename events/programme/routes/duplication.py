"""Duplicating an event: `POST /api/events/{slug}/duplicate` and the back office's form on the event's page.
The copy is a draft of the same organisation (programme.service.duplicate); it needs the editor's role."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel.errors import RuleViolation
from events.kernel.local_time import local_input
from events.programme import service as programme
from events.programme.routes.api import ORGANISER
from events.programme.schemas import OrganiserEvent
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.forms import translated

FORM_TEMPLATE = "programme/organiser/duplicate.html"


class DuplicateWrite(Struct, forbid_unknown_fields=True):
    """The copy's start (ISO 8601; without an offset read in the event's time zone), and optionally its title and
    slug (else the source's title, and a slug made from it)."""

    starts_at: datetime
    title: str | None = None
    slug: str | None = None


class DuplicateForm(Struct):
    starts_at: str = ""
    title: str = ""
    slug: str = ""


@post(
    "/api/events/{slug:str}/duplicate", summary="Duplicate an event (a new draft)", status_code=201, **ORGANISER,
    description=(
        "Copies the event into a new draft of the same organisation that starts at `starts_at`: its programme "
        "(sessions with every time moved together, by local wall-clock time in the event's time zone), the "
        "speakers on the sessions (no personal link is sent), the registration questions, quizzes with their "
        "questions, live spaces with their prepared polls, linked resources, the reminder schedule and texts. "
        "Registrations, materials and attendance are not copied. Needs the editor's role on the event."
    ),
)
async def api_duplicate_event(
    slug: FromPath[str], data: JSONBody[DuplicateWrite], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep,
) -> OrganiserEvent:
    source = await programme.event_for_organiser(slug, current_user)
    values = {"starts_at": data.starts_at, "title": data.title, "slug": data.slug}
    copy = await programme.duplicate_event(source, values, current_user, clock.now())
    return OrganiserEvent.from_full_row(await programme.event_by_id(copy["id"]), settings.base_url)


def _form(request: Request, event: dict, values: dict, errors: dict | None = None, status: int = 200) -> Template:
    return Template(FORM_TEMPLATE, context={"event": event, "values": values,
                                            "errors": translated(request, errors or {})}, status_code=status)


@get("/organiser/events/{slug:str}/duplicate", guards=[organiser_guard], include_in_schema=False)
async def duplicate_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    values = {"starts_at": local_input(event["starts_at"], event["timezone"]), "title": event["title"], "slug": ""}
    return _form(request, event, values)


@post("/organiser/events/{slug:str}/duplicate", guards=[organiser_guard], include_in_schema=False)
async def duplicate_form(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[DuplicateForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    values = {"starts_at": data.starts_at, "title": data.title, "slug": data.slug}
    try:
        copy = await programme.duplicate_event(event, values, current_user, clock.now())
    except RuleViolation as exc:
        return _form(request, event, values, exc.errors or {"starts_at": exc.message}, 400)
    return Redirect(path=f"/organiser/events/{copy['slug']}?duplicated=1", status_code=303)


ROUTES = [api_duplicate_event, duplicate_page, duplicate_form]
