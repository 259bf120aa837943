"""The mail tests use the registration fixtures (published events, an outbox no in-process deliverer races)."""

from tests.registration.conftest import *  # noqa: F403 - pytest registers the imported fixtures
