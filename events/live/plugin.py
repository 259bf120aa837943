"""Live interaction in sessions (questions, polls, ratings), wired into the app."""

from __future__ import annotations

from events.live import routes
from events.web.domain_plugin import DomainPlugin


class LivePlugin(DomainPlugin):
    """Adds the live routes and the `/ws/live/{code}` socket (on the app's ChannelsPlugin)."""

    route_handlers = routes.ROUTES
