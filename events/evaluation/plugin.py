"""The evaluation wires itself: its routes, and its sections on registration's manage page and mails and on the
programme's organiser dashboard (registration does not know it exists)."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.evaluation.routes import ROUTES, SECTIONS
from events.kernel.sections import provide
from events.web.domain_plugin import DomainPlugin


class EvaluationPlugin(DomainPlugin):
    route_handlers = ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        for slot, provider in SECTIONS:
            provide(slot, provider)
