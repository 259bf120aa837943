"""Series tests: two organisations (each with an owner, an editor and a viewer) and events made through the
programme's service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.programme import service as programme
from tests.conftest import NOW
from tests.organisations.conftest import make_team

# Thursday 20 January 2028, 13:00–15:00 in Amsterdam.
START = datetime(2028, 1, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
async def team(engine):
    return await make_team("cot", "COT")


@pytest.fixture
async def other_team(engine):
    return await make_team("ministerie-b", "Ministerie B")


async def webinar(user, title: str, weeks: int = 0, status: str = "published", start: datetime | None = None) -> dict:
    begins = (start or START) + timedelta(weeks=weeks)
    event = await programme.create_event({
        "title": title, "kind": "webinar", "format": "online", "summary": f"Over {title}", "starts_at": begins,
        "ends_at": begins + timedelta(hours=2), "join_url": "https://meet.example.org/geheim-7",
    }, user, NOW)
    if status == "published":
        event = await programme.change_status(event, "publish", NOW)
    return await programme.event_by_id(event["id"])


def csrf_headers(client) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get("events_csrf", "")}
