"""What registration does when the programme changes an event (inside the programme's transaction): every active
registrant is told of a change (with the updated invitation) or of the cancellation (a calendar CANCEL), and an
event people registered for is never deleted.

The listeners are subscribed by `RegistrationPlugin.contribute`; each is equal for equal links, so an app built
again with the same settings (tests build many) subscribes nothing new to the programme's process-wide lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.kernel.database import write_transaction
from events.kernel.i18n import N_
from events.programme.tables import EventStatus
from events.registration.service.links import ManageLinks
from events.registration.service.mails import queue_registration_mail
from events.registration.service.queries import has_registrations, locked_event
from events.registration.tables import ACTIVE_STATUSES, Registration, RegistrationMailKind


async def notify_event_changed(event_id: int, now: datetime, links: ManageLinks) -> int:
    """Tells every active registrant that the event changed (with the updated invitation); returns how many."""
    return await _notify_all(event_id, RegistrationMailKind.EVENT_CHANGED, now, links)


async def notify_event_cancelled(event_id: int, now: datetime, links: ManageLinks) -> int:
    """Tells every active registrant that the event is cancelled (calendar CANCEL); returns how many."""
    return await _notify_all(event_id, RegistrationMailKind.EVENT_CANCELLED, now, links)


async def on_event_change(event: dict[str, Any], changed: frozenset[str], now: datetime, links: ManageLinks) -> int:
    """The programme changed something a calendar shows (inside its transaction): tell the registrants."""
    if "status" in changed and event["status"] == EventStatus.CANCELLED:
        return await notify_event_cancelled(event["id"], now, links)
    if event["status"] == EventStatus.PUBLISHED and changed:
        return await notify_event_changed(event["id"], now, links)
    return 0


async def _notify_all(event_id: int, kind: RegistrationMailKind, now: datetime, links: ManageLinks) -> int:
    engine = Registration._meta.db
    async with write_transaction(engine):
        event = await locked_event(engine, event_id=event_id)
        if event is None:
            return 0
        rows = await Registration.select().where(
            (Registration.event == event_id) & Registration.status.is_in(list(ACTIVE_STATUSES))
        )
        for row in rows:
            await queue_registration_mail(kind, event, row, links, now)
        return len(rows)


@dataclass(frozen=True)
class TellRegistrants:
    """The programme's calendar listener: a change that matters to a calendar reaches every registrant."""

    links: ManageLinks

    async def __call__(self, event: dict[str, Any], changed: frozenset[str], now: datetime) -> None:
        await on_event_change(event, changed, now, self.links)


async def keep_events_with_registrations(event: dict[str, Any]) -> str | None:
    """The programme's delete guard: people who registered are never erased with an event (unpublishing made it a
    draft again): cancel it instead."""
    if await has_registrations(event["id"]):
        return N_("People have registered for this event, so it cannot be deleted; cancel it instead")
    return None
