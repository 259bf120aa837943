"""The names of our cookies. On https the session and CSRF cookies carry the `__Host-` prefix: browsers then accept
them only when Secure, for the whole site (Path=/) and from this host alone (no Domain), so a sibling host cannot
plant or overwrite them."""

from __future__ import annotations

from events.kernel.settings import Settings

SESSION = "events_session"
CSRF = "events_csrf"
LANGUAGE = "events_lang"
HOST_PREFIX = "__Host-"


def session_cookie(settings: Settings) -> str:
    return HOST_PREFIX + SESSION if settings.secure_cookies else SESSION


def csrf_cookie(settings: Settings) -> str:
    return HOST_PREFIX + CSRF if settings.secure_cookies else CSRF
