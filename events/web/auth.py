"""Who is asking: a middleware that puts the user (or None) on every connection, and the guards for roles.

An `Authorization: Bearer <token>` header wins over the session cookie; HTML routes send anonymous visitors to
the login page, `/api` routes answer 401 JSON; a signed-in user with the wrong role gets 403.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.web.sessions import rotate_session

SESSION_USER_KEY = "user_id"
# A route's opt that runs none of the session, CSRF and authentication middleware (health probes).
SKIP_AUTH = "skip_auth"
# A route whose answers are never compressed (the app's CompressionConfig.exclude_opt_key): a probe's few bytes.
SKIP_COMPRESSION = "skip_compression"
BARE = {"csrf_free": True, "skip_session": True, SKIP_AUTH: True, SKIP_COMPRESSION: True}
# A session opened by a speaker's personal link remembers the organisation that issued the link.
LINK_ORGANISATION_KEY = "link_organisation"


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


class AuthenticationMiddleware:
    """Loads the user from a bearer token or the session; never refuses by itself (guards do)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        if handler is not None and handler.opt.get(SKIP_AUTH):
            scope["user"], scope["auth"] = None, None  # a probe that shows nothing of anyone
        elif scope["type"] in ("http", "websocket"):
            scope["user"] = await self._user_for(scope)
            scope["auth"] = "bearer" if bearer_token(scope) else ("session" if scope["user"] else None)
        await self.app(scope, receive, send)

    async def _user_for(self, scope: Scope) -> CurrentUser | None:
        token = bearer_token(scope)
        app_state = scope["litestar_app"].state
        if token is not None:
            return await accounts.user_for_api_token(token, app_state.clock.now())
        session = scope.get("session")
        if isinstance(session, dict) and session.get(SESSION_USER_KEY):
            user = await accounts.get_user(int(session[SESSION_USER_KEY]))
            if user is not None and session.get(LINK_ORGANISATION_KEY) is not None:
                user = dataclasses.replace(user, link_organisation=int(session[LINK_ORGANISATION_KEY]))
            return user
        return None


def user_of(connection: ASGIConnection) -> CurrentUser | None:
    return connection.scope.get("user")


class LoginRequired(NotAuthorizedException):
    """An anonymous visitor asked for a page that needs a signed-in user."""


def _require(connection: ASGIConnection, allowed: tuple[str, ...]) -> CurrentUser:
    user = user_of(connection)
    if user is None:
        raise LoginRequired(detail="Sign in first")
    if user.role not in allowed:
        raise PermissionDeniedException(detail="You do not have access to this page")
    return user


def organiser_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    _require(connection, ("organiser", "admin"))


def admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    _require(connection, ("admin",))


def speaker_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Speakers and the organisers who act for them."""
    _require(connection, ("speaker", "organiser", "admin"))


def signed_in_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    _require(connection, ("speaker", "organiser", "admin"))


def sign_in(connection: Any, user: CurrentUser, **session: Any) -> None:
    """Start a fresh session for this user: a new session id (the old one is deleted from the store, so a planted
    one is useless) holding only this user (and `session`, e.g. the organisation a personal link was for)."""
    connection.clear_session()
    if user.link_organisation is not None:
        session = {**session, LINK_ORGANISATION_KEY: user.link_organisation}
    connection.set_session({SESSION_USER_KEY: user.id, **session})
    rotate_session(connection)
    connection.scope["user"] = user


def sign_out(connection: Any) -> None:
    connection.clear_session()
    rotate_session(connection)
    connection.scope["user"] = None
