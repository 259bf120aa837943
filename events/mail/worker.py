"""The background loop that `events serve` runs in-process and `events worker` runs on its own: the round jobs the
domains registered (`events.mail.jobs`), then delivery of the outbox, once a second."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from piccolo.engine.base import Engine

from events.kernel import pressure
from events.kernel.clock import Clock
from events.kernel.settings import Settings
from events.mail.jobs import WorkerJobs
from events.mail.service.delivery import Deliverer

log = logging.getLogger("events.mail")
BUSY_BATCH = 10  # messages per round while visitors keep the process busy


def deliverer_for(settings: Settings, clock: Clock, engine: Engine, jobs: WorkerJobs, **options) -> Deliverer:
    """The deliverer of these settings, rendering unrendered messages with the composers in `jobs`."""
    return Deliverer(
        smtp_url=settings.smtp_url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock, engine=engine,
        composer=jobs.render, **options,
    )


async def work_once(clock: Clock, deliverer: Deliverer, jobs: WorkerJobs, give_way: bool = False) -> int:
    """One round: every round job, then delivery until nothing is due. Returns how many messages were sent.
    `give_way` (the in-process worker): each delivery batch waits for a quiet moment in a registration rush
    (`kernel.pressure`), so rendering and sending do not compete with the rush for the event loop and the writer."""
    await jobs.run_rounds(clock.now)
    sent = 0
    while True:
        quiet = await pressure.quiet_moment() if give_way else True
        # Still busy after the wait: a few messages only, so the loop is never held for long.
        count = await deliverer.deliver_due(limit=None if quiet else BUSY_BATCH)
        if count <= 0:
            return sent
        sent += count


async def run_worker(
    settings: Settings, clock: Clock, engine: Engine, stop: asyncio.Event, jobs: WorkerJobs, interval: float = 1.0
) -> None:
    deliverer = deliverer_for(settings, clock, engine, jobs)
    while not stop.is_set():
        try:
            await work_once(clock, deliverer, jobs, give_way=True)
        except Exception:  # noqa: BLE001 - a database hiccup must not end delivery for good
            log.exception("mail worker round failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
