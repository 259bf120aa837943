"""Calendar routes: the event and programme downloads, the public feed, a participant's invite and personal feed,
and the "add to calendar" panels on the event page and the manage page."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter

from events.ical import service
from events.ical.build import translate
from events.web.deps import ClockDep, SettingsDep
from events.web.i18n import N_, language_of
from events.web.panels import Panel, panel

CALENDAR_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text/* types
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-cache"
# Calendar apps poll without cookies: no CSRF token and no server-side session is made for them.
NO_STATE = {"csrf_free": True, "skip_session": True}
# What the OpenAPI document says besides the 200 text/calendar body.
ICS = {
    "media_type": "text/calendar",
    "response_description": "An iCalendar (RFC 5545) file",
    "responses": {304: ResponseSpec(data_container=None, description="Not modified: the copy named by If-None-Match / If-Modified-Since is current")},
}


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal to ours with or without W/."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def _not_modified_since(if_modified_since: str, last_modified: datetime | None) -> bool:
    if last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None or since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


def calendar_response(request: Request, document: service.CalendarDocument, *, cache: str, disposition: str) -> Response:
    """The .ics with ETag/Last-Modified, or 304 when the client's copy is current (If-None-Match wins over
    If-Modified-Since, RFC 9110 §13.2.2)."""
    headers = {"ETag": document.etag, "Cache-Control": cache}
    if document.last_modified is not None:
        headers["Last-Modified"] = format_datetime(document.last_modified.replace(microsecond=0), usegmt=True)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        fresh = _matches(if_none_match, document.etag)
    else:
        fresh = _not_modified_since(request.headers.get("if-modified-since") or "", document.last_modified)
    if fresh:
        return Response(content=b"", status_code=304, headers=headers)
    headers["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    return Response(content=document.data, media_type=CALENDAR_TYPE, headers=headers)


@get("/events/{slug:str}/event.ics", opt=dict(NO_STATE), tags=["calendar"], summary="The event as an .ics download", **ICS)
async def event_ics(request: Request, slug: FromPath[str], settings: SettingsDep) -> Response:
    document = await service.event_download(slug, settings.base_url)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="attachment")


@get("/events/{slug:str}/programme.ics", opt=dict(NO_STATE), tags=["calendar"], summary="The programme: one entry per session", **ICS)
async def programme_ics(request: Request, slug: FromPath[str], settings: SettingsDep) -> Response:
    document = await service.programme_download(slug, settings.base_url)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="attachment")


FEED_NAMES = {
    None: N_("Events on resilient government"),
    "conference": N_("Conferences on resilient government"),
    "webinar": N_("Webinars on resilient government"),
    "festival": N_("Resilience festivals"),
}


@get("/calendar.ics", opt=dict(NO_STATE), tags=["calendar"], summary="Feed of published events (subscribe with webcal://)", **ICS)
async def calendar_feed(
    request: Request,
    settings: SettingsDep,
    clock: ClockDep,
    kind: Annotated[Literal["conference", "webinar", "festival"] | None, QueryParameter(name="kind", description="Only events of this kind")] = None,
) -> Response:
    language = language_of(request)
    kind = kind or None
    name = translate(language, FEED_NAMES.get(kind) or FEED_NAMES[None])
    description = translate(language, N_("Conferences, webinars and festivals for Dutch public-sector organisations."))
    document = await service.public_feed(kind, settings.base_url, clock.now(), name, description, language)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="inline")


@get("/registrations/{token:str}/invite.ics", opt=dict(NO_STATE), tags=["calendar"], summary="A participant's invitation", **ICS)
async def invite_ics(request: Request, token: FromPath[str], settings: SettingsDep, clock: ClockDep) -> Response:
    document = await service.invitation_download(token, settings.base_url, clock.now())
    response = calendar_response(request, document, cache="private, no-store", disposition="attachment")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@get("/calendar/personal/{key:str}/feed.ics", opt=dict(NO_STATE), tags=["calendar"], summary="A participant's personal feed", **ICS)
async def personal_feed_ics(request: Request, key: FromPath[str], settings: SettingsDep) -> Response:
    registration = await service.registration_by_feed_key(key, settings.secret_key)
    language = (registration or {}).get("language") or settings.default_language
    name = translate(language, N_("My events"))
    document = await service.personal_feed(key, settings.base_url, settings.secret_key, name)
    response = calendar_response(request, document, cache=PRIVATE_CACHE, disposition="inline")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def webcal(url: str) -> str:
    """The same address with the webcal scheme, which makes calendar apps offer to subscribe."""
    parts = urlsplit(url)
    return "webcal://" + parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")


@panel("event_page")
async def add_to_calendar(event: dict[str, Any], request: Request, **_: Any) -> Panel | None:
    if event.get("status") == "draft":
        return None
    base_url = request.app.state.settings.base_url.rstrip("/")
    from events.programme.service import sessions_of

    has_programme = bool(await sessions_of(event["id"]))
    feed = f"{base_url}/calendar.ics"
    kind_feed = f"{feed}?kind={event['kind']}" if event.get("kind") else feed
    return Panel(
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
            + urlencode({"url": feed, "name": translate(language_of(request), FEED_NAMES[None])}, quote_via=quote),
        },
        order=50,
    )


@panel("manage_page")
async def calendar_on_manage_page(event: dict[str, Any], registration: dict[str, Any], token: str, request: Request, **_: Any) -> Panel | None:
    settings = request.app.state.settings
    method = service.invitation_method(event, registration)
    key = service.feed_key(registration, settings.secret_key)
    feed = f"{settings.base_url.rstrip('/')}/calendar/personal/{key}/feed.ics"
    return Panel(
        "ical/_manage_calendar.html",
        {
            "invite_url": f"/registrations/{token}/invite.ics" if method else None,
            "method": method,
            "feed_url": feed,
            "webcal_url": webcal(feed),
        },
        order=50,
    )


ROUTES = [event_ics, programme_ics, calendar_feed, invite_ics, personal_feed_ics]
