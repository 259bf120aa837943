"""What the background worker runs for the domains, registered by their plugins (the worker imports no domain):

- round jobs, `async job(now)`, run once per round before delivery (e.g. registration's waiting-list sweep and
  reminders), in the order they were registered;
- composers, `async composer(message_row, now) -> fields | None`, that render messages a domain wrote unrendered
  (`render_context` set), chosen by the message's kind. They return the fields to store (subject, text_body,
  html_body, language, calendar_method, calendar_ics), or None when there is nothing to send any more.

There is one registry per app (in its state), so `events serve` and `events worker` (which builds the app to get
it) run the same jobs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RoundJob = Callable[[datetime], Awaitable[object]]
Composer = Callable[[dict[str, Any], datetime], Awaitable[dict[str, Any] | None]]

STATE_KEY = "mail_worker_jobs"


@dataclass
class WorkerJobs:
    rounds: list[RoundJob] = field(default_factory=list)
    composers: dict[str, Composer] = field(default_factory=dict)

    def every_round(self, job: RoundJob) -> None:
        self.rounds.append(job)

    def compose(self, kinds: Iterable[str], composer: Composer) -> None:
        """Render the unrendered messages of these kinds with `composer`."""
        for kind in kinds:
            self.composers[str(kind)] = composer

    async def run_rounds(self, now: Callable[[], datetime]) -> None:
        for job in self.rounds:
            await job(now())

    async def render(self, message: dict[str, Any], now: datetime) -> dict[str, Any] | None:
        """The composer of this message's kind (a `Composer` itself); None when no domain renders that kind."""
        composer = self.composers.get(message["kind"])
        return None if composer is None else await composer(message, now)


def worker_jobs(state: MutableMapping[str, Any]) -> WorkerJobs:
    """The app's registry (made on first use, so a domain's plugin may register before mail's plugin runs)."""
    return state.setdefault(STATE_KEY, WorkerJobs())
