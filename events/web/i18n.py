"""The language of a request: `?lang=`, then the cookie, then the default (the catalogs are the kernel's)."""

from __future__ import annotations

from typing import Any

from events.kernel.i18n import LANGUAGES
from events.web.cookies import LANGUAGE as LANG_COOKIE

__all__ = ["LANG_COOKIE", "language_of", "pick_language"]


def pick_language(cookie_value: str | None, query_value: str | None, default: str) -> str:
    for candidate in (query_value, cookie_value):
        if candidate and candidate in LANGUAGES:
            return candidate
    return default


def language_of(connection: Any) -> str:
    """The language of this request: `?lang=`, then the cookie, then the default; cached on the scope."""
    scope = connection.scope
    language = scope.get("events_lang")
    if language is None:
        settings = connection.app.state.settings
        language = pick_language(
            connection.cookies.get(LANG_COOKIE), connection.query_params.get("lang"), settings.default_language
        )
        scope["events_lang"] = language
    return language
