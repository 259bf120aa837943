"""The background loop that `events serve` runs in-process and `events worker` runs on its own: queue due
reminders, then deliver the outbox, once a second."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from piccolo.engine.base import Engine

from events.kernel.clock import Clock
from events.kernel.settings import Settings
from events.mail.service import Deliverer

log = logging.getLogger("events.mail")


def deliverer_for(settings: Settings, clock: Clock, engine: Engine, **options) -> Deliverer:
    from events.registration.service import Site, registration_mail_composer

    return Deliverer(
        smtp_url=settings.smtp_url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock, engine=engine,
        composer=registration_mail_composer(Site.from_settings(settings), clock), **options,
    )


async def work_once(settings: Settings, clock: Clock, deliverer: Deliverer) -> int:
    from events.registration.service import Site, promote_where_places_free, queue_due_reminders

    site = Site.from_settings(settings)
    await promote_where_places_free(clock.now(), site)
    await queue_due_reminders(clock.now(), site)
    sent = 0
    while (count := await deliverer.deliver_due()) > 0:
        sent += count
    return sent


async def run_worker(settings: Settings, clock: Clock, engine: Engine, stop: asyncio.Event, interval: float = 1.0) -> None:
    deliverer = deliverer_for(settings, clock, engine)
    while not stop.is_set():
        try:
            await work_once(settings, clock, deliverer)
        except Exception:  # noqa: BLE001 - a database hiccup must not end delivery for good
            log.exception("mail worker round failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
