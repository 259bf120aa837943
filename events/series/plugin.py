"""Series of events: the public series page, feed and subscriptions, the organisers' series, the notices to
subscribers when an event of a series is published, and the sweep of unconfirmed subscriptions."""

from __future__ import annotations

from litestar.config.app import AppConfig

from events.kernel.sections import provide
from events.mail.jobs import worker_jobs
from events.programme import service as programme
from events.series import routes, service
from events.series.routes.sections import series_panel
from events.series.service.duplication import copy_memberships
from events.web.domain_plugin import DomainPlugin


class SeriesPlugin(DomainPlugin):
    route_handlers = routes.ROUTES

    def contribute(self, app_config: AppConfig) -> None:
        provide("organiser_event", series_panel)
        programme.on_calendar_change(service.NotifyOnPublish(self.settings.base_url))
        programme.on_event_duplicate(copy_memberships)
        worker_jobs(app_config.state).every_round(service.purge_unconfirmed)
