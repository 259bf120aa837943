"""Shared helpers of the programme tests: events made through the service, at fixed dates after the test clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from events.programme import service as programme
from tests.conftest import NOW

# Sunday 6 December 2026, 09:30–16:30 in Amsterdam (CET, UTC+1).
START = datetime(2026, 12, 6, 8, 30, tzinfo=UTC)
END = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)
JOIN_URL = "https://meet.example.org/geheim-3f9a"


def event_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Weerbare organisatie",
        "kind": "conference",
        "format": "online",
        "summary": "Een digitale conferentie",
        "description": "Over **weerbaarheid**.",
        "starts_at": START,
        "ends_at": END,
        "timezone": "Europe/Amsterdam",
        "join_url": JOIN_URL,
        "capacity": 500,
    }
    data.update(overrides)
    return data


async def make_event(organiser_id: int, status: str = "published", with_session: bool = True, **overrides: Any) -> dict:
    event = await programme.create_event(event_data(**overrides), organiser_id, NOW)
    if with_session:
        await programme.create_session(
            event, {"title": "Keynote", "kind": "talk", "starts_at": START, "ends_at": START.replace(hour=9, minute=30)}, NOW
        )
    if status == "published":
        event = await programme.change_status(event, "publish", NOW)
    elif status == "cancelled":
        event = await programme.change_status(event, "cancel", NOW)
    return await programme.event_by_id(event["id"])
