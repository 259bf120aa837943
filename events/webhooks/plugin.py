"""Webhooks wire themselves: their routes, and delivery of the webhook outbox as a round job of the worker."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.mail.jobs import worker_jobs
from events.web.domain_plugin import DomainPlugin
from events.webhooks import routes, service


class WebhooksPlugin(DomainPlugin):
    route_handlers = routes.ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        settings = self.settings
        deliverer = service.WebhookDeliverer(
            secret_key=settings.secret_key, source=settings.base_url,
            allow_private=settings.allow_private_targets,
        )
        app_config.state["webhook_deliverer"] = deliverer
        worker_jobs(app_config.state).every_round(deliverer)
