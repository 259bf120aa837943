"""The outbox: delivery inside `events serve` (when settings.deliver_in_process), running the jobs the domains
registered with the worker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar

from events.mail.jobs import worker_jobs
from events.mail.worker import run_worker
from events.web.domain_plugin import DomainPlugin


@contextlib.asynccontextmanager
async def deliver_in_process(app: Litestar) -> AsyncIterator[None]:
    settings = app.state.settings
    if not settings.deliver_in_process:
        yield
        return
    stop = asyncio.Event()
    jobs = worker_jobs(app.state)
    task = asyncio.create_task(run_worker(settings, app.state.clock, app.state.engine, stop, jobs), name="mail-deliverer")
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)


class MailPlugin(DomainPlugin):
    lifespans = (deliver_in_process,)
