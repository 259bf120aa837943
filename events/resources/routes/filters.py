"""What the library's pages share: the vocabulary they show and the filters they accept."""

from __future__ import annotations

from typing import Any

from events.resources import service


def known_filters(aspect: str | None, kind: str | None) -> tuple[str | None, str | None]:
    """Unknown filter values on pages are ignored (a stale bookmark still shows the library)."""
    return (aspect if aspect in service.ASPECTS else None), (kind if kind in service.KINDS else None)


def vocabulary() -> dict[str, Any]:
    return {"aspects": service.ASPECTS, "kinds": service.KINDS, "languages": service.LANGUAGES}
