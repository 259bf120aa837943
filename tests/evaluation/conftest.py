"""Fixtures for the evaluation and certificate tests: registration's published events, cookieless API client and
manage links, plus a participant who registered and (optionally) attended."""

from __future__ import annotations

from datetime import timedelta

import pytest

from events.registration import service as registration
from events.registration.service import Applicant
from events.registration.tables import Registration
from tests.conftest import NOW
from tests.registration.conftest import make_event, settings, site  # noqa: F401 - fixtures used here


@pytest.fixture
def participant(site):  # noqa: F811 - the imported fixture
    """`await participant(event, attended=True)` -> (registration row, manage token)."""

    async def make(event, name="Anna de Vries", email="anna@gemeente.nl", attended=True, language="nl") -> tuple[dict, str]:
        await registration.register(event["slug"], Applicant(name, email, language=language), NOW, site)
        row = await Registration.select().where(Registration.email == email).first()
        if attended:
            joined = event["starts_at"] + timedelta(minutes=10)
            await Registration.update({Registration.first_join_at: joined, Registration.last_join_at: joined}).where(
                Registration.id == row["id"])
        row = await Registration.select().where(Registration.id == row["id"]).first()
        return row, site.manage_token(row["token_nonce"])

    return make


@pytest.fixture
def after(clock):
    """Move the clock to just after this event's end."""

    def move(event) -> None:
        clock.set(event["ends_at"] + timedelta(hours=1))

    return move
