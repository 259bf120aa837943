"""A cache of finished public answers: anonymous GETs of the routes marked `opt={"public_cache": (names…)}`.

The key is the path and query, the language cookie, whether the client takes gzip, and the content versions the
route shows (`events.kernel.content_versions`, read from the database at every request, so a change made by any
worker shows at the next request). An entry also ends after `MAX_AGE` seconds, for what time alone changes
(an event that has passed leaves the home page), or earlier when a handler says so with `cache_at_most`
(the event page: when registration opens or closes). Only 200 answers without `Set-Cookie` are kept, and only
requests without credentials take part: no `Authorization` header and no cookie but the language cookie — a
signed-in visitor's page (sign-out form, CSRF token, edit links) is neither served from nor stored in the cache.
Each entry carries an `ETag` (the route's own, else a hash of the body) and `Last-Modified`; a matching
`If-None-Match` (or `If-Modified-Since` without it) gets a 304.

The cache runs before the session, CSRF and authentication middleware: a hit costs one small query.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from events.kernel import content_versions
from events.web.cookies import LANGUAGE

OPT_KEY = "public_cache"
MAX_AGE = 30.0
MAX_ENTRIES = 2000
ANONYMOUS_COOKIE = LANGUAGE.encode()
# What a route shows, as its `opt`: `@get(..., opt={**PUBLIC_PROGRAMME})`.
PUBLIC_PROGRAMME = {OPT_KEY: (content_versions.PROGRAMME,)}
PUBLIC_LIBRARY = {OPT_KEY: (content_versions.PROGRAMME, content_versions.LIBRARY)}
PUBLIC_SERIES = {OPT_KEY: (content_versions.PROGRAMME, content_versions.SERIES)}
# The event page: the programme, its library entries and its released materials.
PUBLIC_EVENT_PAGE = {OPT_KEY: (content_versions.PROGRAMME, content_versions.LIBRARY, content_versions.MATERIALS)}
UNTIL_KEY = "events.cache_until"


def cache_at_most(scope: Scope, seconds: float) -> None:
    """Ends this answer's cache entry within `seconds` when that comes before MAX_AGE: for what time alone changes
    on the page (registration opening or closing; the handler counts on its own clock)."""
    until = time.monotonic() + seconds
    current = scope.get(UNTIL_KEY)
    scope[UNTIL_KEY] = until if current is None else min(current, until)  # type: ignore[typeddict-unknown-key]


@dataclass(slots=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    created: float  # the Last-Modified it carries (epoch seconds)
    expires: float  # monotonic


def _anonymous_language(scope: Scope) -> bytes | None:
    """The language cookie's value (b"" without one) when the request carries no credentials; else None."""
    language = b""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return None
        if name == b"cookie":
            for part in value.split(b";"):
                cookie, _, cookie_value = part.strip().partition(b"=")
                if cookie != ANONYMOUS_COOKIE:
                    return None
                language = cookie_value
    return language


def _header(scope: Scope, wanted: bytes) -> bytes:
    for name, value in scope["headers"]:
        if name == wanted:
            return value
    return b""


def _timestamp(http_date: bytes) -> float | None:
    try:
        return parsedate_to_datetime(http_date.decode("latin-1")).timestamp() if http_date else None
    except (TypeError, ValueError, IndexError):
        return None


def _not_modified(scope: Scope, entry: Entry) -> bool:
    if_none_match = _header(scope, b"if-none-match")
    if if_none_match:
        tags = [tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")]
        return b"*" in tags or entry.etag.removeprefix(b"W/") in tags
    since = _timestamp(_header(scope, b"if-modified-since"))
    return since is not None and int(entry.created) <= since


class PublicCacheMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        names = handler.opt.get(OPT_KEY) if handler is not None and scope["type"] == "http" else None
        language = _anonymous_language(scope) if names and scope["method"] == "GET" else None
        if language is None:
            if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
                with content_versions.held():  # one reading of the counters for the page's remembered reads
                    await self.app(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        versions = await content_versions.read(scope["litestar_app"].state.engine)
        gzip = b"gzip" in _header(scope, b"accept-encoding")
        key = (scope["path"], scope["query_string"], language, gzip, tuple(versions.get(name, 0) for name in names))
        entry = self.entries.get(key)
        if entry is not None and entry.expires > time.monotonic():
            self.entries.move_to_end(key)
            await self._answer(scope, send, entry)
            return
        await self.app(scope, receive, self._keeping(scope, key, send))

    def _keeping(self, scope: Scope, key: tuple, send: Send) -> Send:
        """Holds the start of a one-piece answer until its body is known, so the first answer already carries the
        ETag and Last-Modified; a streamed answer (more than one body message) passes through and is not kept."""
        held: list[Message] = []

        async def keeping_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                held.append(message)
                return
            if held and message["type"] == "http.response.body":
                start = held.pop()
                if message.get("more_body", False):
                    await send(start)
                else:
                    start = {**start, "headers": self._store(scope, key, start, message.get("body", b""))}
                    await send(start)
            await send(message)

        return keeping_send

    def _store(self, scope: Scope, key: tuple, start: Message, body: bytes) -> list[tuple[bytes, bytes]]:
        """Keeps a 200 answer without cookies; returns the headers to send (with ETag and Last-Modified)."""
        headers = [(bytes(name).lower(), bytes(value)) for name, value in start.get("headers", ())]
        if start.get("status") != 200 or any(name == b"set-cookie" for name, _ in headers):
            return headers
        etag = next((value for name, value in headers if name == b"etag"), b"")
        if not etag:
            etag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
            headers.append((b"etag", etag))
        modified = _timestamp(next((value for name, value in headers if name == b"last-modified"), b""))
        if modified is None:  # the route's own Last-Modified wins; else the moment it was made
            modified = time.time()
            headers.append((b"last-modified", formatdate(modified, usegmt=True).encode()))
        lifetime = MAX_AGE
        until = scope.get(UNTIL_KEY)
        if until is not None:
            lifetime = min(lifetime, until - time.monotonic())
            if lifetime <= 0:
                return headers
        self.entries[key] = Entry(200, headers, body, etag, modified, time.monotonic() + lifetime)
        while len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)
        return headers

    @staticmethod
    async def _answer(scope: Scope, send: Send, entry: Entry) -> None:
        if _not_modified(scope, entry):
            kept = [(n, v) for n, v in entry.headers if n not in (b"content-length", b"content-type", b"content-encoding")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": entry.status, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})
