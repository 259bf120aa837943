"""Fixtures for the organiser API tests: the webhook tests' two organisations, events of the first, a cookieless
client, and API tokens for each role."""

from __future__ import annotations

import pytest

from events.accounts import service as accounts
from tests.webhooks.conftest import make_event, other_team, owner_headers, receiver, settings, team  # noqa: F401


async def bearer(user) -> dict[str, str]:
    return {"authorization": f"Bearer {await accounts.create_api_token(user.id, label='tests')}"}


@pytest.fixture
async def editor_headers(team) -> dict[str, str]:  # noqa: F811 - the imported fixture
    return await bearer(team.editor)


@pytest.fixture
async def viewer_headers(team) -> dict[str, str]:  # noqa: F811 - the imported fixture
    return await bearer(team.viewer)


@pytest.fixture
async def stranger_headers(other_team) -> dict[str, str]:  # noqa: F811 - the imported fixture
    """The owner of another organisation: A's objects are a 404 to them."""
    return await bearer(other_team.owner)


def problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["detail"]
    if field is not None:
        assert field in {e["field"] for e in body.get("errors", [])}, body
    return body
