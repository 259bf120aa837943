"""Security headers on every HTTP response, 404s from the router included (hence a before-send hook, not a
route middleware)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from events.kernel.settings import Settings

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


# The API's semantic version: every /api answer says it (REST API Design Rules), and so does the OpenAPI document.
API_VERSION = "1.1.0"

# Browsers remember for a year that this host speaks only https (only sent when the base URL is https).
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(settings: Settings):
    """The before-send hook for these settings: HSTS too when the site is served over https."""
    headers_to_add = dict(SECURITY_HEADERS)
    if settings.base_url.startswith("https://"):
        headers_to_add["strict-transport-security"] = HSTS

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            framable = "frame-ancestors 'none'" not in headers.get("content-security-policy", "frame-ancestors 'none'")
            for name, value in headers_to_add.items():
                if name not in headers and not (framable and name == "x-frame-options"):
                    headers[name] = value
            if scope["path"].startswith("/api/") or scope["path"] == "/api":
                headers["api-version"] = API_VERSION

    return add_security_headers
