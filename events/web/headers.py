"""Security headers on every HTTP response, 404s from the router included (hence a before-send hook, not a
route middleware)."""

from __future__ import annotations

from litestar.types import Message, Scope

from events.kernel.settings import Settings
from events.web.cookies import LANGUAGE

# No inline scripts or styles, nothing from other hosts; WebSockets to ourselves for the live quiz.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}


# Paths whose answers carry or open a secret (a manage token, a personal link, an invitation, a feed key, a join
# link, a new API token): never stored by a browser or a proxy, whoever asks.
SECRET_PATHS = (
    "/registrations/", "/api/registrations/", "/p/", "/j/", "/invitations/", "/calendar/personal/",
    "/organiser/tokens", "/api/tokens",
)
NO_STORE = "no-store"
_ANONYMOUS_COOKIE = LANGUAGE.encode()


def must_not_be_stored(scope: Scope) -> bool:
    """Whether an answer without its own Cache-Control gets `no-store`: one that opens a secret (`SECRET_PATHS`),
    one to a request with credentials (a signed-in person's view: a session cookie or an Authorization header),
    and every answer to a request that changes something (a new token, a secret shown once). Anonymous reads of
    public pages keep their own caching (the public response cache sets validators)."""
    path = scope["path"]
    if path.startswith(SECRET_PATHS) or scope.get("method", "GET") not in ("GET", "HEAD"):
        return True
    for name, value in scope["headers"]:
        if name == b"authorization":
            return True
        if name == b"cookie" and any(
            part.strip().partition(b"=")[0] != _ANONYMOUS_COOKIE for part in value.split(b";") if part.strip()
        ):
            return True
    return False


# The API's semantic version: every /api answer says it (REST API Design Rules), and so does the OpenAPI document.
API_VERSION = "1.1.0"

# Browsers remember for a year that this host speaks only https (only sent when the base URL is https).
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(settings: Settings):
    """The before-send hook for these settings: HSTS too when the site is served over https. It works on the raw
    header list (every answer passes here; the parsed-headers view cost more than the rest of a cached page)."""
    headers_to_add = dict(SECURITY_HEADERS)
    if settings.base_url.startswith("https://"):
        headers_to_add["strict-transport-security"] = HSTS
    encoded = [(name.encode(), value.encode()) for name, value in headers_to_add.items()]
    frame_options, csp, cache_control = b"x-frame-options", b"content-security-policy", b"cache-control"
    api_version = (b"api-version", API_VERSION.encode())

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        raw = message.setdefault("headers", [])
        if not isinstance(raw, list):
            raw = message["headers"] = list(raw)
        present = {name.lower(): value for name, value in raw}
        framable = b"frame-ancestors 'none'" not in present.get(csp, b"frame-ancestors 'none'")
        raw.extend(
            (name, value) for name, value in encoded
            if name not in present and not (framable and name == frame_options)
        )
        if cache_control not in present and scope["type"] == "http" and must_not_be_stored(scope):
            raw.append((cache_control, NO_STORE.encode()))
        path = scope["path"]
        if path.startswith("/api/") or path == "/api":
            if api_version[0] in present:
                raw[:] = [(name, value) for name, value in raw if name.lower() != api_version[0]]
            raw.append(api_version)

    return add_security_headers
