"""Fixtures for registration and mail tests: published events and a deterministic outbox (no in-process
deliverer racing the test; tests deliver explicitly)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from events.programme.tables import Event
from events.registration.service import ManageLinks
from tests.conftest import NOW, home_organisation


@pytest.fixture
def settings(settings):
    return replace(settings, deliver_in_process=False)



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
