"""The outbox: delivery (in-process when configured) and the organiser's view of failed mail."""

from __future__ import annotations

from events.mail import routes
from events.web.domain_plugin import DomainPlugin


class MailPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
    lifespans = routes.LIFESPAN
