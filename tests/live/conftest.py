"""Fixtures of the live tests: an event with two sessions, an open space per session, and helpers to join."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from events.kernel import statement_writer
from events.live import service
from events.programme.tables import Event, Session
from tests.conftest import NOW, home_organisation


async def make_event(organiser_id: int, slug: str = "weerbare-organisatie") -> dict:
    await Event.insert(Event(
        slug=slug, title="Weerbare organisatie", status="published", starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=4), organiser=organiser_id,
        organisation=await home_organisation(organiser_id),
    ))
    event = await Event.select().where(Event.slug == slug).first()
    for n, title in enumerate(("Opening", "Paneldiscussie")):
        await Session.insert(Session(event=event["id"], title=title, starts_at=NOW + timedelta(days=1, hours=n),
                                     ends_at=NOW + timedelta(days=1, hours=n + 1)))
    return event


async def sessions_of(event: dict) -> list[dict]:
    return await Session.select().where(Session.event == event["id"]).order_by(Session.id)


@pytest.fixture
async def event(organiser):
    return await make_event(organiser.id)


@pytest.fixture
async def space(event):
    first = (await sessions_of(event))[0]
    made = await service.create_space(event, first["id"])
    return await service.set_open(made["id"], True)


@pytest.fixture
def bearer(organiser_token) -> dict:
    return {"Authorization": f"Bearer {organiser_token}"}


async def join(client: httpx.AsyncClient, code: str, name: str | None = None) -> dict:
    client.cookies.clear()
    response = await client.post(f"/api/live/{code}/participants", json={"name": name} if name else {})
    assert response.status_code == 201, response.text
    return response.json()


def token_header(joined: dict) -> dict:
    return {"X-Live-Token": joined["token"]}


@pytest.fixture(autouse=True)
async def fresh_live_caches():
    """Each test has its own database whose ids start again at 1: the per-process memory of spaces, tokens and
    polls must not carry over; the SQLite statement writers this test's loop opened are closed."""
    service.forget_cached()
    yield
    service.forget_cached()
    await statement_writer.close_statement_writers()
