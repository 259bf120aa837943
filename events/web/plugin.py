"""Cross-cutting pages: liveness, health and the language switch."""

from __future__ import annotations

from events.web import routes
from events.web.domain_plugin import DomainPlugin


class WebPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
