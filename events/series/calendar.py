"""A series' calendar feed: its published (and cancelled) events, built by the ical library, never a join URL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events.ical import build
from events.ical.document import CalendarDocument, latest
from events.programme import service as programme
from events.series import service

FEED_HISTORY = timedelta(days=180)  # past events stay this long, as in the public feed


async def series_feed(series: dict[str, Any], base_url: str, now: datetime, language: str, sender: str = "") -> CalendarDocument:
    events = [e for e in await service.published_events_of(series["id"]) if e["ends_at"] >= now - FEED_HISTORY]
    events = await programme.with_organizers(events, sender)
    data = build.build_feed(events, base_url, name=series["name"], description=series["description"] or None, language=language)
    return CalendarDocument(data, latest([series, *events]), f"{series['slug']}.ics")
