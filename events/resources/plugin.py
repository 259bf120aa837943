"""The resource library of the Platform weerbare overheid, its links, and the sections it adds to other pages
and mails."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.kernel.sections import provide
from events.programme import service as programme
from events.resources.routes import ROUTES
from events.resources.routes.sections import SECTIONS
from events.resources.service.duplication import copy_links
from events.web.domain_plugin import DomainPlugin


class ResourcesPlugin(DomainPlugin):
    route_handlers = ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        for slot, provider in SECTIONS:
            provide(slot, provider)
        programme.on_event_duplicate(copy_links)
