"""Speaker materials: uploads, versions, release and downloads, and the sections they add to other pages."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.kernel.sections import provide
from events.materials.routes import ROUTES
from events.materials.routes.sections import SECTIONS
from events.web.domain_plugin import DomainPlugin


class MaterialsPlugin(DomainPlugin):
    route_handlers = ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        for slot, provider in SECTIONS:
            provide(slot, provider)
