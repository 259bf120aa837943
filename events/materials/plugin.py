"""Speaker materials: uploads, versions, release and downloads."""

from __future__ import annotations

from events.materials import routes
from events.web.domain_plugin import DomainPlugin


class MaterialsPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
