"""Registration wires itself: its routes, the registration desk's lifespan, the desk and manage links as
dependencies, its sections on the programme's pages, its listeners on the programme's changes, and its jobs for
the mail worker (the waiting-list sweep, reminders, the follow-up after the event, and rendering the desk's unrendered mails)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from functools import partial

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide

from events.kernel.sections import provide
from events.kernel.settings import Settings
from events.mail.jobs import worker_jobs
from events.programme import service as programme
from events.registration import routes, service
from events.registration.desk import RegistrationDesk
from events.registration.service.duplication import copy_questions
from events.registration.tables import RegistrationMailKind
from events.web.domain_plugin import DomainPlugin


class RegistrationPlugin(DomainPlugin):
    route_handlers = routes.ROUTES

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.links = service.ManageLinks.from_settings(settings)
        self.desk = RegistrationDesk(self.links)

    def contribute(self, app_config: AppConfig) -> None:
        app_config.lifespan.append(self.desk_open)
        app_config.dependencies["registration_desk"] = Provide(lambda: self.desk, sync_to_thread=False)
        app_config.dependencies["manage_links"] = Provide(lambda: self.links, sync_to_thread=False)
        for slot, provider in routes.SECTIONS:
            provide(slot, provider)
        programme.on_calendar_change(service.TellRegistrants(self.links))
        programme.on_event_update(service.FillRaisedCapacity(self.links))
        programme.on_event_delete(service.keep_events_with_registrations)
        programme.on_event_duplicate(copy_questions)
        jobs = worker_jobs(app_config.state)
        jobs.every_round(partial(service.promote_where_places_free, links=self.links))
        jobs.every_round(partial(service.queue_due_reminders, links=self.links))
        jobs.every_round(partial(service.queue_due_followups, links=self.links))
        jobs.compose(RegistrationMailKind, service.registration_mail_composer(self.links))

    @contextlib.asynccontextmanager
    async def desk_open(self, app: Litestar) -> AsyncIterator[None]:
        """The desk takes registrations while the app serves."""
        await self.desk.open()
        try:
            yield
        finally:
            await self.desk.close()
