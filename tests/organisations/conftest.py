"""Organisations for the tests: two of them, each with an owner, an editor and a viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.organisations import service
from events.organisations.rows import OrganisationRow
from events.programme.tables import Event
from tests.conftest import NOW, PASSWORD


@dataclass
class Team:
    organisation: OrganisationRow
    owner: CurrentUser
    editor: CurrentUser
    viewer: CurrentUser


async def make_team(slug: str, name: str) -> Team:
    organisation = await service.create_organisation({"name": name}, NOW, slug=slug, actor_label="tests")
    people = {}
    for role in ("owner", "editor", "viewer"):
        user = await accounts.create_user(f"{role}@{slug}.example.nl", "organiser", password=PASSWORD, name=f"{role.title()} {name}")
        await service.add_member(organisation.id, user.id, role, NOW, actor_label="tests")
        people[role] = user
    return Team(organisation, **people)


@pytest.fixture
async def team(engine) -> Team:
    return await make_team("gemeente-a", "Gemeente A")


@pytest.fixture
async def other_team(engine) -> Team:
    return await make_team("ministerie-b", "Ministerie B")



@pytest.fixture
def make_event(team):
    """Published events of organisation A (as the webhook tests make them; not imported: that conftest imports
    this one)."""
    counter = iter(range(1, 1000))

    async def make(**values) -> dict:
        n = next(counter)
        event = Event(
            slug=f"event-{n}", title=f"Weerbare organisatie {n}", status="published", format="online",
            starts_at=NOW + timedelta(days=10), ends_at=NOW + timedelta(days=10, hours=2), organiser=team.owner.id,
            contact_name="Olga", contact_email="organiser@gemeente.nl", language="nl",
            organisation=team.organisation.id, **values,
        )
        await event.save()
        return await Event.select().where(Event.id == event.id).first()

    return make



@pytest.fixture
async def owner_headers(team) -> dict[str, str]:
    return {"authorization": f"Bearer {await accounts.create_api_token(team.owner.id, label='tests')}"}
