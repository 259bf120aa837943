"""The live quiz: authoring, runs, host and player screens and their sockets."""

from __future__ import annotations

from events.quiz import routes
from events.web.domain_plugin import DomainPlugin


class QuizPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
    lifespans = routes.LIFESPAN
