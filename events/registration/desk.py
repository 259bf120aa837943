"""The registration desk: one per process, it takes everyone who queued up while the previous batch committed and
registers them together, so a rush of registrations is served at the database's pace, not one by one.

Piccolo's SQLite engine opens a connection per query outside a transaction, and every capacity-checked insert
needs the event's write lock; serialising requests one by one caps out at a few hundred per second. The desk
registers each batch in ONE write transaction (`service.register_batch`), so the lock, the connection and the
commit are shared by the whole batch. Correctness does not depend on the desk being alone: each batch still locks
the event, so several processes stay exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from events.kernel import pressure
from events.registration import service
from events.registration.service import Applicant, ManageLinks, Outcome

log = logging.getLogger("events.registration")
MAX_BATCH = 256


class RegistrationDesk:
    def __init__(self, links: ManageLinks, max_batch: int = MAX_BATCH):
        self.links = links
        self.max_batch = max_batch
        self.queue: asyncio.Queue[tuple[str, Applicant, datetime, asyncio.Future]] = asyncio.Queue()
        self.task: asyncio.Task | None = None
        self._last_size = 0  # the previous batch's size: a small batch right after a large one is still a rush

    async def open(self) -> None:
        self.queue = asyncio.Queue()  # made in the loop that serves it
        self.task = asyncio.create_task(self._run(), name="registration-desk")

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        while not self.queue.empty():  # never leave a caller waiting forever
            *_rest, future = self.queue.get_nowait()
            if not future.done():
                future.set_exception(RuntimeError("the server is shutting down"))

    async def register(self, slug: str, applicant: Applicant, now: datetime) -> Outcome:
        """Registers through the desk's next batch (or at once, when the desk is closed)."""
        if self.task is None or self.task.done():
            return await service.register(slug, applicant, now, self.links)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        await self.queue.put((slug, applicant, now, future))
        result = await future
        if isinstance(result, Exception):
            raise result
        return result

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            # The whole batch (one write transaction, whatever its events), the batch before it, and who waits:
            # what the service, judging each event's share, cannot see.
            quiet = max(len(batch), self._last_size) <= service.RENDER_INLINE_MAX and self.queue.empty()
            self._last_size = len(batch)
            try:
                with pressure.Batch():  # the in-process mail worker gives way while batches keep coming
                    requests = [(s, a, n) for s, a, n, _f in batch]
                    results = await service.register_batch(requests, self.links, render_mails=quiet)
            except Exception as exc:  # noqa: BLE001 - hand the failure to every waiting request, keep serving
                log.exception("registration batch of %s failed", len(batch))
                results = [exc] * len(batch)
            for (_s, _a, _n, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
