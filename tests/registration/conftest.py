"""Fixtures for registration and mail tests: published events and a deterministic outbox (no in-process
deliverer racing the test; tests deliver explicitly)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from events.programme.tables import Event
from events.registration.service import ManageLinks
from tests.conftest import NOW, home_organisation


@pytest.fixture
def settings(settings):
    return replace(settings, deliver_in_process=False)


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing: a script calling the public API carries no ambient credentials."""

    def extract_cookies(self, response) -> None:
        return None


@pytest.fixture
async def api(app, client) -> AsyncIterator[httpx.AsyncClient]:
    """A cookieless client of the same running app (the `client` fixture runs its lifespan). The foundation's
    session middleware sets a session cookie on every response, and a cookie would make /api POSTs CSRF-checked."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as test_client:
        test_client._cookies = _NoCookies()
        yield test_client


@pytest.fixture
def site(settings) -> ManageLinks:
    return ManageLinks.from_settings(settings)


@pytest.fixture
def make_event(engine, organiser):
    counter = iter(range(1, 1000))

    async def make(**values) -> dict:
        n = next(counter)
        row = {
            "slug": f"event-{n}",
            "title": f"Weerbare organisatie {n}",
            "status": "published",
            "format": "online",
            "starts_at": NOW + timedelta(days=10),
            "ends_at": NOW + timedelta(days=10, hours=2),
            "join_url": "https://meet.example.nl/secret-room-42",
            "capacity": None,
            "organiser": organiser.id,
            "contact_name": "Olga",
            "contact_email": "organiser@gemeente.nl",
            "language": "nl",
            "reminder_minutes": "1440,60",  # the schedule a new event gets
            **values,
        }
        event = Event(**row, organisation=await home_organisation(row["organiser"]))
        await event.save()
        return await Event.select().where(Event.id == event.id).first()

    return make
