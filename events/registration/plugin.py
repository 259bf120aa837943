"""Registration: registering, the waiting list, changes, check-in, exports and the rush writer."""

from __future__ import annotations

from events.registration import routes
from events.web.domain_plugin import DomainPlugin


class RegistrationPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
    lifespans = routes.LIFESPAN
