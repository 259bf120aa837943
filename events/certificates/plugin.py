"""Certificates wire themselves: their routes, and their sections on registration's manage page and follow-up mail
(registration does not know they exist)."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.certificates.routes import ROUTES, SECTIONS
from events.kernel.sections import provide
from events.web.domain_plugin import DomainPlugin


class CertificatesPlugin(DomainPlugin):
    route_handlers = ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        for slot, provider in SECTIONS:
            provide(slot, provider)
