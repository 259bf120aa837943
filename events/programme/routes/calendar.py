"""The programme's public calendar files (event.ics, programme.ics and the calendar.ics feed) and the "add to
calendar" section of the event page. Conditional GET comes from events.web.downloads; none carries a join URL."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter

from events.ical.document import webcal
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import Section
from events.programme import calendar as calendars
from events.programme import service as programme
from events.programme.tables import EventKind, EventStatus
from events.web.deps import ClockDep, SettingsDep
from events.web.downloads import ICS, NO_STATE, PUBLIC_CACHE, calendar_response
from events.web.i18n import language_of
from events.web.public_cache import PUBLIC_PROGRAMME

# The kinds inline in the OpenAPI document, as before (a StrEnum would become a schema component of its own).
KindName = Literal[tuple(kind.value for kind in EventKind)]  # type: ignore[valid-type]
FEED_NAMES = {
    None: N_("Events on resilient government"),
    EventKind.CONFERENCE: N_("Conferences on resilient government"),
    EventKind.WEBINAR: N_("Webinars on resilient government"),
    EventKind.FESTIVAL: N_("Resilience festivals"),
}
FEED_DESCRIPTION = N_("Conferences, webinars and festivals for Dutch public-sector organisations.")


@get("/events/{slug:str}/event.ics", opt={**NO_STATE, **PUBLIC_PROGRAMME}, tags=["calendar"], summary="The event as an .ics download", **ICS)
async def event_ics(request: Request, slug: FromPath[str], settings: SettingsDep) -> Response:
    document = await calendars.event_download(slug, settings.base_url, settings.mail_from)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="attachment")


@get("/events/{slug:str}/programme.ics", opt={**NO_STATE, **PUBLIC_PROGRAMME}, tags=["calendar"], summary="The programme: one entry per session", **ICS)
async def programme_ics(request: Request, slug: FromPath[str], settings: SettingsDep) -> Response:
    document = await calendars.programme_download(slug, settings.base_url, settings.mail_from)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="attachment")


@get("/calendar.ics", opt={**NO_STATE, **PUBLIC_PROGRAMME}, tags=["calendar"], summary="Feed of published events (subscribe with webcal://)", **ICS)
async def calendar_feed(
    request: Request,
    settings: SettingsDep,
    clock: ClockDep,
    kind: Annotated[KindName | None, QueryParameter(name="kind", description="Only events of this kind")] = None,
) -> Response:
    language = language_of(request)
    kind = kind or None
    name = gettext_for(language, FEED_NAMES.get(kind) or FEED_NAMES[None])
    description = gettext_for(language, FEED_DESCRIPTION)
    document = await calendars.public_feed(
        kind, settings.base_url, clock.now(), name, description, language, settings.mail_from
    )
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="inline")


async def add_to_calendar(event: dict[str, Any], request: Request, **_: Any) -> Section | None:
    """The event page's "add to calendar" section (slot "event_page"; registered by the programme's plugin)."""
    if event.get("status") == EventStatus.DRAFT:
        return None
    base_url = request.app.state.settings.base_url.rstrip("/")
    has_programme = bool(await programme.sessions_of(event["id"]))
    feed = f"{base_url}/calendar.ics"
    kind_feed = f"{feed}?kind={event['kind']}" if event.get("kind") else feed
    return Section(
        "ical/_add_to_calendar.html",
        {
            "event": event,
            "download_url": f"/events/{event['slug']}/event.ics",
            "programme_url": f"/events/{event['slug']}/programme.ics" if has_programme else None,
            "feed_url": feed,
            "webcal_url": webcal(feed),
            "kind_webcal_url": webcal(kind_feed) if kind_feed != feed else None,
            "kind": event.get("kind"),
            # Google and Outlook on the web do not open webcal links: they subscribe through their own pages.
            "google_url": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal(feed)}, quote_via=quote),
            "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
            + urlencode({"url": feed, "name": gettext_for(language_of(request), FEED_NAMES[None])}, quote_via=quote),
        },
        order=50,
    )


ROUTES = [event_ics, programme_ics, calendar_feed]
