"""The resource library of the Platform weerbare overheid and its links."""

from __future__ import annotations

from events.resources import routes
from events.web.domain_plugin import DomainPlugin


class ResourcesPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
