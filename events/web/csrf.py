"""CSRF protection scoped to where it matters.

Litestar's CSRF middleware mints a token and a cookie on every cookieless GET, which halves the throughput of
public read-only pages. We keep its double-submit check for every unsafe request that carries ambient
credentials (cookies), and mint tokens only on HTML pages: `/api` GETs, feeds, static files and handlers marked
`opt={"csrf_free": True}` skip it. Requests authenticated by an `Authorization: Bearer` header, and `/api` calls
without a session cookie, carry no ambient authority and are not checked.

Pages addressed by a secret in their path (`opt=CAPABILITY_URL`: the manage page and its cancel step) take no
token: the secret is the capability and there is no ambient authority to forge. Their unsafe requests are refused
when the browser says they come from elsewhere (`Sec-Fetch-Site` cross-site or same-site, or an `Origin` that is
not this site's), per OWASP's origin verification.

The token comes only from the `x-csrftoken` header or the `_csrf_token` form field, never from the query string
(URLs end up in logs, histories and Referer headers). A multipart upload without the header must send the token as
its first form field: the check reads only that first part (at most FIRST_PART_LIMIT bytes), then hands the
untouched body on, so it never buffers the whole upload before the handler streams it.
"""

from __future__ import annotations

import re

from litestar.config.csrf import CSRFConfig
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Empty, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from events.web.auth import SKIP_AUTH, bearer_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NO_TOKEN_PREFIXES = ("/api/", "/static/", "/schema", "/healthz", "/livez", "/calendar.ics", "/ws/", "/embed/")
# Framed on other sites, without cookies: their forms carry a signed token of their own and their posts' origin is
# checked (events.embeds.service).
FRAMED_FORMS = ("/embed/",)
CAPABILITY_KEY = "capability_url"
# No session, no CSRF token, no signed-in user: the secret in the path is the only credential.
CAPABILITY_URL = {"csrf_free": True, "skip_session": True, SKIP_AUTH: True, CAPABILITY_KEY: True}
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
FIRST_PART_LIMIT = 16 * 1024
_FIRST_FIELD = re.compile(
    rb'\r?\n?--[^\r\n]+\r\nContent-Disposition: form-data; name="([^"]*)"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n--',
    re.IGNORECASE,
)


def csrf_config(secret: str, secure: bool, cookie_name: str) -> CSRFConfig:
    return CSRFConfig(
        secret=secret,
        cookie_name=cookie_name,
        header_name=CSRF_HEADER,
        cookie_secure=secure,
        cookie_samesite="lax",
        cookie_httponly=False,
    )


def _has_cookie(scope: Scope, name: str) -> bool:
    for header, value in scope.get("headers", ()):
        if header == b"cookie" and name.encode() in value:
            return True
    return False


class ScopedCSRFMiddleware:
    def __init__(self, app: ASGIApp, config: CSRFConfig, session_cookie: str) -> None:
        self.app = app
        self.checked = CSRFMiddleware(app=app, config=config)
        self.session_cookie = session_cookie
        self.csrf_cookie = config.cookie_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        handler = scope.get("route_handler")
        if method in SAFE_METHODS:
            # A fast public page still carries a signed-in visitor's token (their sign-out form needs it).
            csrf_free = handler is not None and handler.opt.get("csrf_free") and not _has_cookie(scope, self.csrf_cookie)
            skip = path.startswith(NO_TOKEN_PREFIXES) or csrf_free
            await (self.app if skip else self.checked)(scope, receive, send)
            return
        if handler is not None and handler.opt.get(CAPABILITY_KEY):
            if not same_origin(scope):
                raise PermissionDeniedException("This form was sent from another site")
            await self.app(scope, receive, send)
            return
        if bearer_token(scope) is not None or path.startswith(FRAMED_FORMS) or (
            path.startswith("/api/") and not _has_cookie(scope, self.session_cookie)
        ):
            await self.app(scope, receive, send)
            return
        if _is_multipart(scope) and not _has_header(scope, CSRF_HEADER):
            token, receive = await _first_field_token(receive)
            if token is None:
                raise PermissionDeniedException("CSRF token verification failed")
            scope["headers"] = [*scope["headers"], (CSRF_HEADER.encode(), token)]
            # Earlier middleware (sessions) already parsed and cached the headers on the scope: drop the cache.
            ScopeState.from_scope(scope).headers = Empty
        await self.checked(scope, receive, send)


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for header, value in scope.get("headers", ()) if header == name), None)


def same_origin(scope: Scope) -> bool:
    """Whether an unsafe request may come from this site: `Sec-Fetch-Site` when the browser sends it (same-origin,
    or none: typed or bookmarked), else an `Origin` equal to the site's own (`EVENTS_BASE_URL`) or to the `Host`
    asked for; a request with neither comes from no browser that sends cookies to forms (nothing to forge)."""
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in (b"same-origin", b"none")
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    origin_text = origin.decode("latin-1").rstrip("/").lower()
    own = scope["litestar_app"].state.settings.base_url.rstrip("/").lower()
    host = (_header(scope, b"host") or b"").decode("latin-1").lower()
    return origin_text == own or (bool(host) and origin_text.partition("://")[2] == host)


def _has_header(scope: Scope, name: str) -> bool:
    return any(header == name.encode() for header, _ in scope.get("headers", ()))


def _is_multipart(scope: Scope) -> bool:
    return any(
        header == b"content-type" and value.lower().startswith(b"multipart/form-data")
        for header, value in scope.get("headers", ())
    )


async def _first_field_token(receive: Receive) -> tuple[bytes | None, Receive]:
    """The value of the body's first form field when it is the CSRF field, and a `receive` that replays what was
    read before passing on the rest of the body."""
    read: list[dict] = []
    body = b""
    while len(body) < FIRST_PART_LIMIT:
        message = await receive()
        read.append(message)
        body += message.get("body", b"")
        if _FIRST_FIELD.match(body) or not message.get("more_body", False) or message["type"] != "http.request":
            break
    match = _FIRST_FIELD.match(body)
    token = match.group(2) if match and match.group(1) == CSRF_FIELD.encode() else None

    async def replay() -> dict:
        return read.pop(0) if read else await receive()

    return token, replay
