"""The public side of a series: its page (upcoming and past published events), its calendar feed, the
subscription form ("tell me when the next one opens") and the pages of the confirmation and unsubscribe links."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template
from msgspec import Struct

from events.ical.document import webcal
from events.kernel.errors import RuleViolation
from events.programme import service as programme
from events.programme.routes.labels import LABELS
from events.series import service
from events.series.calendar import series_feed
from events.web.deps import ClockDep, SettingsDep
from events.web.downloads import ICS, NO_STATE, PUBLIC_CACHE, calendar_response
from events.web.forms import translated
from events.web.i18n import language_of
from events.web.public_cache import PUBLIC_SERIES

FORM = RequestEncodingType.URL_ENCODED
# Pages reached through a personal link: never stored, never passed on as a Referer.
PRIVATE_PAGE = {"cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex"}


class SubscribeForm(Struct):
    email: str = ""


@get("/series/{slug:str}", opt={"csrf_free": True, **PUBLIC_SERIES}, include_in_schema=False)
async def series_page(request: Request, slug: FromPath[str], clock: ClockDep, settings: SettingsDep) -> Template:
    series = await service.public_series(slug)
    events = await service.published_events_of(series["id"])
    now = clock.now()
    feed = f"{settings.base_url.rstrip('/')}/series/{series['slug']}/calendar.ics"
    return Template("series/page.html", context={
        "series": series, "description_html": programme.render_markdown(series["description"]),
        "upcoming": [e for e in events if e["ends_at"] >= now],
        "past": list(reversed([e for e in events if e["ends_at"] < now])),
        "feed_url": feed, "webcal_url": webcal(feed), "labels": LABELS,
    })


@get("/series/{slug:str}/calendar.ics", opt={**NO_STATE, **PUBLIC_SERIES}, tags=["calendar"],
     summary="Feed of a series' published events (subscribe with webcal://)", **ICS)
async def series_calendar(request: Request, slug: FromPath[str], settings: SettingsDep, clock: ClockDep) -> Response:
    series = await service.public_series(slug)
    document = await series_feed(series, settings.base_url, clock.now(), language_of(request), settings.mail_from)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="inline")


def _subscribe_page(request: Request, series: dict, email: str = "", errors: dict | None = None, status: int = 200,
                    sent: bool = False) -> Template:
    return Template("series/subscribe.html", status_code=status, context={
        "series": series, "values": {"email": email}, "errors": translated(request, errors or {}), "sent": sent})


@get("/series/{slug:str}/subscribe", include_in_schema=False)
async def subscribe_page(request: Request, slug: FromPath[str]) -> Template:
    return _subscribe_page(request, await service.public_series(slug))


@post("/series/{slug:str}/subscribe", include_in_schema=False, opt={"rate_limit": "series_subscribe"})
async def subscribe(
    request: Request, slug: FromPath[str], clock: ClockDep, settings: SettingsDep,
    data: Annotated[SubscribeForm, Body(media_type=FORM)],
) -> Template:
    series = await service.public_series(slug)
    try:
        await service.subscribe(series, data.email, language_of(request), clock.now(), settings.base_url)
    except RuleViolation as exc:
        return _subscribe_page(request, series, data.email, exc.errors, 400)
    return _subscribe_page(request, series, sent=True)


def _link_page(step: str, subscriber: dict, token: str, done: bool = False) -> Template:
    return Template("series/link.html", headers=PRIVATE_PAGE, context={
        "step": step, "done": done, "token": token,
        "series": {"slug": subscriber["series_slug"], "name": subscriber["series_name"]}})


@get("/series/confirm/{token:str}", include_in_schema=False)
async def confirm_page(token: FromPath[str], clock: ClockDep) -> Template:
    """A button, not the confirmation itself: mail scanners that open links confirm nothing."""
    subscriber = await service.pending_confirmation(token, clock.now())
    return _link_page("confirm", subscriber, token, done=subscriber["confirmed_at"] is not None)


@post("/series/confirm/{token:str}", include_in_schema=False)
async def confirm(token: FromPath[str], clock: ClockDep) -> Template:
    return _link_page("confirm", await service.confirm(token, clock.now()), token, done=True)


@get("/series/unsubscribe/{token:str}", include_in_schema=False)
async def unsubscribe_page(token: FromPath[str], clock: ClockDep) -> Template:
    return _link_page("unsubscribe", await service.subscription_for_unsubscribe(token, clock.now()), token)


@post("/series/unsubscribe/{token:str}", include_in_schema=False)
async def unsubscribe(token: FromPath[str], clock: ClockDep) -> Template:
    return _link_page("unsubscribe", await service.unsubscribe(token, clock.now()), token, done=True)


ROUTES = [series_page, series_calendar, subscribe_page, subscribe, confirm_page, confirm, unsubscribe_page, unsubscribe]
