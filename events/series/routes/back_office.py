"""The organiser's series: the list of their organisations' series, a new series, one series (its events and its
number of confirmed subscribers), its edit and delete forms, and putting events in or taking them out. Viewers
read; editors and owners change."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from msgspec import Struct

from events.accounts.service import CurrentUser
from events.kernel.errors import RuleViolation
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.routes.labels import LABELS
from events.series import service
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.forms import translated

FORM = RequestEncodingType.URL_ENCODED
SERIES_FORM = "series/organiser/form.html"
GUARDED = {"guards": [organiser_guard], "include_in_schema": False}


class SeriesForm(Struct):
    name: str = ""
    description: str = ""
    organisation: str = ""


class EventChoice(Struct):
    event: str = ""


async def _editable_organisations(user: CurrentUser) -> list[tuple[str, str]]:
    mine = await organisations.organisations_of(user)
    return [(m.organisation.slug, m.organisation.name) for m in mine if m.role.includes(OrgRole.EDITOR)]


async def _form(request: Request, user: CurrentUser, series: dict | None, values: dict, errors: dict | None = None,
                status: int = 200) -> Template:
    return Template(SERIES_FORM, status_code=status, context={
        "series": series, "values": values, "errors": translated(request, errors or {}),
        "organisations": await _editable_organisations(user) if series is None else []})


@get("/organiser/series", **GUARDED)
async def series_list(current_user: CurrentUserDep) -> Template:
    rows, total = await service.series_of_organiser(current_user, 1, service.MAX_PER_PAGE)
    counts = await service.counts_of([row["id"] for row in rows])
    may_create = bool(await _editable_organisations(current_user))
    return Template("series/organiser/list.html", context={"rows": rows, "total": total, "counts": counts,
                                                           "may_create": may_create})


@get("/organiser/series/new", **GUARDED)
async def new_series_page(request: Request, current_user: CurrentUserDep) -> Template:
    await organisations.require_may_create_events(current_user)
    return await _form(request, current_user, None, {"organisation": request.session.get("organisation", "")})


@post("/organiser/series/new", **GUARDED)
async def new_series(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, data: Annotated[SeriesForm, Body(media_type=FORM)],
) -> Template | Redirect:
    await organisations.require_may_create_events(current_user)
    values = {"name": data.name, "description": data.description}
    try:
        series = await service.create_series(values, current_user, clock.now(), organisation=data.organisation or None)
    except RuleViolation as exc:
        return await _form(request, current_user, None, {**values, "organisation": data.organisation}, exc.errors, 400)
    return Redirect(path=f"/organiser/series/{series['slug']}", status_code=303)


async def _detail(request: Request, series: dict, user: CurrentUser, errors: dict | None = None, status: int = 200) -> Template:
    events = await service.all_events_of(series["id"])
    inside = {e["id"] for e in events}
    candidates = [] if series["read_only"] else [
        e for e in await programme.events_of_organiser(user, series["organisation"]) if e["id"] not in inside
    ]
    counts = (await service.counts_of([series["id"]]))[series["id"]]
    return Template("series/organiser/detail.html", status_code=status, context={
        "series": series, "events": events, "candidates": candidates, "counts": counts,
        "errors": translated(request, errors or {}), "labels": LABELS})


@get("/organiser/series/{series_slug:str}", **GUARDED)
async def series_detail(request: Request, series_slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    series = await service.series_for_organiser(series_slug, current_user, OrgRole.VIEWER)
    return await _detail(request, series, current_user)


@get("/organiser/series/{series_slug:str}/edit", **GUARDED)
async def edit_series_page(request: Request, series_slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    series = await service.series_for_organiser(series_slug, current_user)
    return await _form(request, current_user, series, series)


@post("/organiser/series/{series_slug:str}/edit", **GUARDED)
async def edit_series(
    request: Request, series_slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[SeriesForm, Body(media_type=FORM)],
) -> Template | Redirect:
    series = await service.series_for_organiser(series_slug, current_user)
    values: dict[str, Any] = {"name": data.name, "description": data.description}
    try:
        await service.update_series(series, values, current_user, clock.now())
    except RuleViolation as exc:
        return await _form(request, current_user, series, values, exc.errors, 400)
    return Redirect(path=f"/organiser/series/{series_slug}", status_code=303)


@post("/organiser/series/{series_slug:str}/events", **GUARDED)
async def add_event(
    request: Request, series_slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[EventChoice, Body(media_type=FORM)],
) -> Template | Redirect:
    series = await service.series_for_organiser(series_slug, current_user)
    try:
        event = await service.event_for_series(series, data.event, current_user, named_in_body=True)
    except RuleViolation as exc:
        return await _detail(request, series, current_user, exc.errors, 400)
    await service.add_event(series, event, current_user, clock.now(), settings.base_url)
    return Redirect(path=f"/organiser/series/{series_slug}", status_code=303)


@post("/organiser/series/{series_slug:str}/events/{event_slug:str}/remove", **GUARDED)
async def remove_event(series_slug: FromPath[str], event_slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    series = await service.series_for_organiser(series_slug, current_user)
    event = await service.event_for_series(series, event_slug, current_user)
    await service.remove_event(series, event, current_user, clock.now())
    return Redirect(path=f"/organiser/series/{series_slug}", status_code=303)


@get("/organiser/series/{series_slug:str}/delete", **GUARDED)
async def confirm_delete(series_slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    series = await service.series_for_organiser(series_slug, current_user)
    counts = (await service.counts_of([series["id"]]))[series["id"]]
    return Template("series/organiser/delete.html", context={"series": series, "counts": counts})


@post("/organiser/series/{series_slug:str}/delete", **GUARDED)
async def delete_series(series_slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    series = await service.series_for_organiser(series_slug, current_user)
    await service.delete_series(series, current_user, clock.now())
    return Redirect(path="/organiser/series", status_code=303)


ROUTES = [series_list, new_series_page, new_series, series_detail, edit_series_page, edit_series, add_event,
          remove_event, confirm_delete, delete_series]
