"""What every HTML form needs from the web layer: field messages in the visitor's language, and the headers of a
page that shows a secret."""

from __future__ import annotations

from typing import Any

from events.kernel.i18n import Formatted, gettext_for
from events.web.i18n import language_of

# Pages and answers that show a secret (a new token, a personal link, a join URL) are never stored by a cache or
# sent on in a Referer.
NO_STORE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}


def translated(request: Any, errors: dict[str, str] | None) -> dict[str, str]:
    """Field messages are English msgids in the services; forms show them in the visitor's language."""
    language = language_of(request) if request is not None else "nl"
    return {
        key: message.in_language(language) if isinstance(message, Formatted) else gettext_for(language, message)
        for key, message in (errors or {}).items()
    }
