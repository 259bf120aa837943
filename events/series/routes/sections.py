"""What series add to other domains' pages: the series an event is in, on the organiser's event page."""

from __future__ import annotations

from typing import Any

from litestar import Request

from events.kernel.sections import Section
from events.series import service

SERIES_SECTION_ORDER = 80


async def series_panel(event: dict[str, Any], request: Request, **_: Any) -> Section:
    """The "organiser_event" section: the series of this event, and the way to the organisation's series."""
    return Section("series/panel_organiser_event.html", {"event": event, "series": await service.series_of_event(event["id"])},
                   order=SERIES_SECTION_ORDER)
