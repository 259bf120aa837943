"""Live interaction in sessions (questions, polls, ratings), wired into the app."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.kernel.sections import provide
from events.live import routes
from events.live.routes.back_office import live_panel
from events.live.routes.public import session_space_section
from events.live.service.duplication import copy_spaces
from events.programme import service as programme
from events.web.domain_plugin import DomainPlugin


class LivePlugin(DomainPlugin):
    """Adds the live routes and the `/ws/live/{code}` socket (on the app's ChannelsPlugin), the "Live" section on
    the organiser's event page and the link to an open space on the session page."""

    route_handlers = routes.ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        provide("organiser_event", live_panel)
        provide("session_page", session_space_section)
        programme.on_event_duplicate(copy_spaces)
