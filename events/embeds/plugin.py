"""Embeds wire themselves: their routes."""

from __future__ import annotations

from events.embeds import routes
from events.web.domain_plugin import DomainPlugin


class EmbedsPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
