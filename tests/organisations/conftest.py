"""Organisations for the tests: two of them, each with an owner, an editor and a viewer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.organisations import service
from events.organisations.rows import OrganisationRow
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


# After Team and make_team: the webhook tests' conftest imports them from here.
from tests.webhooks.conftest import api, make_event, owner_headers  # noqa: E402, F401, I001 - the theme tests' fixtures
