"""Pressure in this process, so the in-process mail worker gives way to visitors: the registration desk notes each
batch it commits, and before each delivery round the worker waits for a quiet moment — no batch running or just
ended, and an event loop that answers a short sleep on time (no queue of requests) — but at most `MAX_WAIT`
seconds, so mail still flows during a long rush and catches up after it. A worker in its own process
(`events worker`) has no visitors: nothing there is busy."""

from __future__ import annotations

import asyncio
import time

QUIET_GAP = 0.25  # seconds after a batch that still count as busy
MAX_WAIT = 1.0  # during a long rush, delivery still runs a (small) round this often
PROBE = 0.01  # a sleep this long that comes back more than LAG late means the loop has a queue of work
LAG = 0.005

_batches_running = 0
_last_batch = 0.0


class Batch:
    """`with pressure.Batch():` around a registration batch."""

    def __enter__(self) -> None:
        global _batches_running  # noqa: PLW0603 - a process-wide count, changed only on the event loop's thread
        _batches_running += 1

    def __exit__(self, *_exc: object) -> None:
        global _batches_running, _last_batch  # noqa: PLW0603 - see above
        _batches_running -= 1
        _last_batch = time.monotonic()


def writing(gap: float = QUIET_GAP) -> bool:
    return _batches_running > 0 or time.monotonic() - _last_batch < gap


async def _loop_lags() -> bool:
    start = time.monotonic()
    await asyncio.sleep(PROBE)
    return time.monotonic() - start - PROBE > LAG


async def quiet_moment(max_wait: float | None = None) -> bool:
    """Waits until no registration batch is running or just ended and the event loop is not queued up (True), or
    for at most `max_wait` seconds (False: still busy; the caller does only a little work)."""
    deadline = time.monotonic() + (MAX_WAIT if max_wait is None else max_wait)
    while time.monotonic() < deadline:
        if writing():
            await asyncio.sleep(min(QUIET_GAP, max(deadline - time.monotonic(), 0)))
        elif not await _loop_lags():
            return True
    return False
