"""Files that clients poll (calendar downloads and feeds): conditional GET with ETag and Last-Modified, and 304."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Protocol

from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec


class Download(Protocol):
    """A finished file (e.g. `ical.document.CalendarDocument`): its bytes and what a conditional GET needs."""

    data: bytes
    last_modified: datetime | None
    filename: str

    @property
    def etag(self) -> str: ...


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


def calendar_response(request: Request, document: Download, *, cache: str, disposition: str) -> Response:
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
