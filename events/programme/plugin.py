"""The programme: events, sessions, speakers, the public site and the back office."""

from __future__ import annotations

from events.programme import routes
from events.web.domain_plugin import DomainPlugin


class ProgrammePlugin(DomainPlugin):
    route_handlers = routes.ROUTES
