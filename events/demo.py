"""The demo scenario (`events demo`): each domain adds its part through `events/<domain>/demo.py`.

Loading is idempotent: every domain looks up what it would create (by slug, e-mail or title) and only adds what
is missing, so running the demo twice leaves one copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from events.accounts import demo as accounts_demo
from events.accounts.tables import User
from events.kernel.clock import Clock
from events.kernel.settings import Settings
from events.live import demo as live_demo
from events.materials import demo as materials_demo
from events.organisations import demo as organisations_demo
from events.programme import demo as programme_demo
from events.quiz import demo as quiz_demo
from events.registration import demo as registration_demo
from events.resources import demo as resources_demo
from events.series import demo as series_demo

# In this order: a domain may use what an earlier one made (through `DemoContext.refs`).
DEMO_DOMAINS = (
    accounts_demo, organisations_demo, programme_demo, registration_demo, resources_demo, quiz_demo, materials_demo,
    live_demo, series_demo,
)


@dataclass
class DemoContext:
    settings: Settings
    clock: Clock
    # What one domain made that another needs (e.g. event slugs -> ids), filled in domain order.
    refs: dict[str, Any] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)

    @property
    def now(self) -> datetime:
        return self.clock.now()


async def database_is_empty() -> bool:
    return await User.count() == 0


async def load_demo(settings: Settings, clock: Clock) -> list[str]:
    context = DemoContext(settings=settings, clock=clock)
    for domain in DEMO_DOMAINS:
        await domain.load(context)
    return context.report
