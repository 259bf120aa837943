"""The programme: events, sessions, speakers, the public site, the back office and the public calendar files."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.kernel.sections import provide
from events.programme import routes
from events.programme.routes.calendar import add_to_calendar
from events.web.domain_plugin import DomainPlugin


class ProgrammePlugin(DomainPlugin):
    route_handlers = routes.ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        provide("event_page", add_to_calendar)
