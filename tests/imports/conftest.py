"""Fixtures for the import tests: the webhook tests' organisations, events and API clients."""

from tests.webhooks.conftest import make_event, other_team, owner_headers, settings, team  # noqa: F401
