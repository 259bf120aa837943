"""CSRF protection scoped to where it matters.

Litestar's CSRF middleware mints a token and a cookie on every cookieless GET, which halves the throughput of
public read-only pages. We keep its double-submit check for every unsafe request that carries ambient
credentials (cookies), and mint tokens only on HTML pages: `/api` GETs, feeds, static files and handlers marked
`opt={"csrf_free": True}` skip it. Requests authenticated by an `Authorization: Bearer` header, and `/api` calls
without a session cookie, carry no ambient authority and are not checked.

Multipart uploads may send the token as `?_csrf_token=` in the form's action URL, so the check does not need to
read (and buffer) the whole upload before the handler streams it.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from litestar.config.csrf import CSRFConfig
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Empty, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from events.web.auth import bearer_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NO_TOKEN_PREFIXES = ("/api/", "/static/", "/schema", "/healthz", "/livez", "/calendar.ics", "/ws/", "/embed/")
# Framed on other sites, without cookies: their forms carry a signed token of their own and their posts' origin is
# checked (events.embeds.service).
FRAMED_FORMS = ("/embed/",)
CSRF_HEADER = "x-csrftoken"
CSRF_QUERY = "_csrf_token"


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
        if bearer_token(scope) is not None or path.startswith(FRAMED_FORMS) or (
            path.startswith("/api/") and not _has_cookie(scope, self.session_cookie)
        ):
            await self.app(scope, receive, send)
            return
        query_token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(CSRF_QUERY)
        if query_token:
            scope["headers"] = [*scope["headers"], (CSRF_HEADER.encode(), query_token[0].encode("latin-1"))]
            # Earlier middleware (sessions) already parsed and cached the headers on the scope: drop the cache.
            ScopeState.from_scope(scope).headers = Empty
        await self.checked(scope, receive, send)
