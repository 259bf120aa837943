"""The waiting list: when places free up (a cancellation, a raised capacity, the worker's sweep) the first
waitlisted people are promoted, first come first served, and each is told."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.kernel.database import read_rows, write_transaction
from events.programme.tables import Event, EventStatus
from events.registration.service.links import ManageLinks
from events.registration.service.mails import queue_registration_mail
from events.registration.service.queries import confirmed_and_waitlisted, locked_event
from events.registration.tables import Registration, RegistrationMailKind, RegistrationStatus
from events.webhooks import service as webhooks
from events.webhooks.tables import EventType


async def promote_locked(event: Mapping[str, Any], now: datetime, links: ManageLinks) -> list[int]:
    """Promotes into the free places of an event whose lock the caller holds; returns the ids promoted, in order."""
    if event["status"] != EventStatus.PUBLISHED or (event["ends_at"] is not None and now >= event["ends_at"]):
        return []
    confirmed, _waitlisted = await confirmed_and_waitlisted(event["id"])
    query = (
        Registration.select()
        .where((Registration.event == event["id"]) & (Registration.status == RegistrationStatus.WAITLISTED))
        .order_by(Registration.queued_at)
        .order_by(Registration.id)
    )
    if event["capacity"] is not None:
        free = event["capacity"] - confirmed
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = []
    for row in await query:
        await Registration.update(
            {Registration.status: RegistrationStatus.CONFIRMED, Registration.updated_at: now}
        ).where((Registration.id == row["id"]) & (Registration.status == RegistrationStatus.WAITLISTED))
        row["status"] = RegistrationStatus.CONFIRMED
        await queue_registration_mail(RegistrationMailKind.PROMOTED, event, row, links, now)
        await webhooks.emit_all([webhooks.about_registration(EventType.REGISTRATION_PROMOTED, event, row)], now)
        promoted.append(row["id"])
    return promoted


async def promote_from_waitlist(event_id: int, now: datetime, links: ManageLinks) -> list[int]:
    """Fills free places from the waiting list, first come first served, and tells each promoted person.

    Call it after anything that frees places (a cancellation, a raised capacity); it joins the caller's
    transaction when there is one. Returns the ids promoted, in order.
    """
    engine = Registration._meta.db
    async with write_transaction(engine):
        event = await locked_event(engine, event_id=event_id)
        if event is None:
            return []
        return await promote_locked(event, now, links)


async def promote_where_places_free(now: datetime, links: ManageLinks) -> int:
    """A sweep for the worker: fill free places of every event that has a waiting list (e.g. after the capacity
    was raised); returns how many were promoted. One read finds the published events with people waiting and a
    place free; only those take their event's lock (which checks again): a full event with a waiting list costs the
    sweep no write transaction, so the rounds do not compete with a rush for the write lock every second."""
    rows = await read_rows(_WAITING_WITH_PLACES, EventStatus.PUBLISHED.value)
    promoted = 0
    for row in rows:
        promoted += len(await promote_from_waitlist(row["id"], now, links))
    return promoted


# The places taken as the triggers keep them (`registration_places`): no count of any event's rows.
_WAITING_WITH_PLACES = (
    f"SELECT e.id FROM {Event._meta.tablename} e JOIN registration_places p ON p.event = e.id "
    "WHERE e.status = {} AND p.waitlisted > 0 AND (e.capacity IS NULL OR e.capacity > p.confirmed) ORDER BY e.id"
)


@dataclass(frozen=True)
class FillRaisedCapacity:
    """The programme's update listener: more places (or no limit any more) promote the first waitlisted people, in
    order, in the transaction of the edit (the worker's sweep stays as a safety net).

    Equal for equal links, so an app built again with the same settings (tests build many) subscribes nothing new
    to the programme's process-wide list."""

    links: ManageLinks

    async def __call__(self, event: dict[str, Any], changed: frozenset[str], now: datetime) -> None:
        if "capacity" in changed:
            await promote_from_waitlist(event["id"], now, self.links)
