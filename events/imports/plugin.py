"""Imports wire themselves: their routes."""

from __future__ import annotations

from events.imports import routes
from events.web.domain_plugin import DomainPlugin


class ImportsPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
