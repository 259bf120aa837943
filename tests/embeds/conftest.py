"""Fixtures for the embed tests: the webhook tests' organisations and events."""

from tests.webhooks.conftest import make_event, other_team, owner_headers, settings, team  # noqa: F401
