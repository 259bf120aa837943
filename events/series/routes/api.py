"""The series API: `GET|POST /api/series` (the caller's organisations' series, a page at a time), one series
for anyone (`GET /api/series/{slug}`: its published events), its organisers' changes, and the one-click
unsubscribe that mail clients post to (RFC 8058)."""

from __future__ import annotations

from litestar import Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect

from events.organisations.tables import OrgRole
from events.programme.schemas import PublicEvent, sent_fields
from events.series import service
from events.series.schemas import (
    OrganiserSeries,
    PublicSeries,
    SeriesEventAdd,
    SeriesPatch,
    SeriesWrite,
)
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.pagination import PAGE_HEADERS, PagingDep
from events.web.public_cache import PUBLIC_SERIES

TAGS = ["series"]
ORGANISER = {"tags": TAGS, "guards": [organiser_guard], "security": [{"BearerToken": []}]}


async def organiser_answer(series: dict, base_url: str) -> OrganiserSeries:
    counts = await service.counts_of([series["id"]])
    return OrganiserSeries.from_row(series, counts[series["id"]], base_url)


@get("/api/series", summary="The series of my organisations", response_headers=PAGE_HEADERS, **ORGANISER)
async def api_list_series(
    paging: PagingDep, current_user: CurrentUserDep, settings: SettingsDep,
) -> Response[list[OrganiserSeries]]:
    """Every series of the organisations you are a member of, by name, with how many events and confirmed
    subscribers each has (never who they are); a page at a time like every list (`X-Total-Count`, `Link`)."""
    rows, total = await service.series_of_organiser(current_user, paging.page, paging.per_page)
    counts = await service.counts_of([row["id"] for row in rows])
    return paging.answer([OrganiserSeries.from_row(row, counts[row["id"]], settings.base_url) for row in rows], total)


@post("/api/series", summary="Make a series", **ORGANISER)
async def api_create_series(
    data: JSONBody[SeriesWrite], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
) -> OrganiserSeries:
    """201 with the series; its `slug` comes from the name (or the `slug` asked for), made unique. Needs the
    editor's role in the organisation."""
    series = await service.create_series({"name": data.name, "description": data.description}, current_user, clock.now(),
                                         organisation=data.organisation, slug=data.slug)
    return await organiser_answer(series, settings.base_url)


@get("/api/series/{series_slug:str}", tags=TAGS, summary="A series and its published events",
     opt={"csrf_free": True, **PUBLIC_SERIES})
async def api_series(series_slug: FromPath[str], settings: SettingsDep) -> PublicSeries:
    """Public: the series with its published and cancelled events, soonest first (no drafts, no join URL)."""
    series = await service.public_series(series_slug)
    url = f"{settings.base_url.rstrip('/')}/series/{series['slug']}"
    events = await service.published_events_of(series["id"])
    return PublicSeries(slug=series["slug"], name=series["name"], description=series["description"],
                        organisation=series["organisation_name"], url=url, calendar_url=f"{url}/calendar.ics",
                        events=[PublicEvent.from_row(row, settings.base_url) for row in events])


@patch("/api/series/{series_slug:str}", summary="Change a series", **ORGANISER)
async def api_update_series(
    series_slug: FromPath[str], data: JSONBody[SeriesPatch], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep,
) -> OrganiserSeries:
    series = await service.series_for_organiser(series_slug, current_user, OrgRole.EDITOR)
    updated = await service.update_series(series, sent_fields(data), current_user, clock.now())
    return await organiser_answer(updated, settings.base_url)


@delete("/api/series/{series_slug:str}", summary="Delete a series (its events stay)", **ORGANISER)
async def api_delete_series(series_slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> None:
    """204. The subscribers go with it; the events stay as they are."""
    series = await service.series_for_organiser(series_slug, current_user, OrgRole.EDITOR)
    await service.delete_series(series, current_user, clock.now())


@post("/api/series/{series_slug:str}/events", summary="Put an event in a series", status_code=200, **ORGANISER)
async def api_add_event(
    series_slug: FromPath[str], data: JSONBody[SeriesEventAdd], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep,
) -> OrganiserSeries:
    """The event (an event of the series' organisation, by slug) joins the series; when it is published and still
    to come, the confirmed subscribers get a notice. Adding it again changes nothing."""
    series = await service.series_for_organiser(series_slug, current_user, OrgRole.EDITOR)
    event = await service.event_for_series(series, data.event, current_user, named_in_body=True)
    await service.add_event(series, event, current_user, clock.now(), settings.base_url)
    return await organiser_answer(series, settings.base_url)


@delete("/api/series/{series_slug:str}/events/{event_slug:str}", summary="Take an event out of a series", **ORGANISER)
async def api_remove_event(series_slug: FromPath[str], event_slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> None:
    series = await service.series_for_organiser(series_slug, current_user, OrgRole.EDITOR)
    event = await service.event_for_series(series, event_slug, current_user)
    await service.remove_event(series, event, current_user, clock.now())


@post("/api/series/unsubscribe/{token:str}", tags=TAGS, summary="One-click unsubscribe (RFC 8058)", status_code=200,
      opt={"csrf_free": True}, security=[])
async def api_unsubscribe(token: FromPath[str], clock: ClockDep) -> Response:
    """The address of a series mail's `List-Unsubscribe` header: a mail client posts
    `List-Unsubscribe=One-Click` here and the subscription ends (404 for a link that is not valid any more)."""
    await service.unsubscribe(token, clock.now())
    return Response(content={"unsubscribed": True}, headers={"cache-control": "no-store"})


@get("/api/series/unsubscribe/{token:str}", tags=TAGS, summary="The unsubscribe page of a List-Unsubscribe address",
     status_code=303, opt={"csrf_free": True}, security=[], include_in_schema=False)
async def api_unsubscribe_page(token: FromPath[str]) -> Redirect:
    """A client that opens the `List-Unsubscribe` address (GET) instead of posting to it lands on the page with the
    button: a GET never unsubscribes (link scanners open every link)."""
    return Redirect(path=f"/series/unsubscribe/{token}", status_code=303, headers={"cache-control": "no-store"})


ROUTES = [api_unsubscribe_page, api_list_series, api_create_series, api_series, api_update_series, api_delete_series, api_add_event,
          api_remove_event, api_unsubscribe]
