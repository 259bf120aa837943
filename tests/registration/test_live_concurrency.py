"""Real parallel requests against the real server with two worker processes: each process has its own writer,
so only the database lock keeps capacity and the one-registration-per-e-mail rule."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from events.registration.tables import Registration
from tests.conftest import LiveServer


@pytest.fixture
def two_workers(settings, engine):
    server = LiveServer(settings, workers=2)
    yield server
    server.stop()


def _post(url: str, email: str) -> tuple[int, dict]:
    with httpx.Client(timeout=60) as http:  # a fresh client per request: no cookies, like a script
        response = http.post(url, json={"name": "Deelnemer", "email": email})
        return response.status_code, response.json()


async def test_two_processes_never_overbook_or_duplicate(two_workers, make_event):
    now = datetime.now(UTC)  # the live server runs on the wall clock
    event = await make_event(capacity=10, starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=5, hours=2))
    url = f"{two_workers.url}/api/events/{event['slug']}/registrations"
    emails = [f"p{i}@gemeente.nl" for i in range(80)] + ["Dubbel@Gemeente.nl", " dubbel@gemeente.nl"] * 10

    def rush() -> list[tuple[int, dict]]:
        with ThreadPoolExecutor(max_workers=32) as pool:
            return list(pool.map(lambda e: _post(url, e), emails))

    results = await asyncio.to_thread(rush)
    codes = [code for code, _ in results]
    assert codes.count(201) == 81 and codes.count(200) == 19, codes
    confirmed = await Registration.count().where((Registration.event == event["id"]) & (Registration.status == "confirmed"))
    waitlisted = await Registration.count().where((Registration.event == event["id"]) & (Registration.status == "waitlisted"))
    assert (confirmed, waitlisted) == (10, 71)
    assert await Registration.count().where(Registration.email_normalised == "dubbel@gemeente.nl") == 1
