"""Reminders: one mail per confirmed registration of an event that starts within a day (a job of the worker)."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.kernel.database import write_transaction
from events.programme.tables import Event, EventStatus
from events.registration.service.links import ManageLinks
from events.registration.service.mails import queue_registration_mail
from events.registration.service.queries import locked_event
from events.registration.tables import Registration, RegistrationMailKind, RegistrationStatus

REMINDER_BEFORE = timedelta(hours=24)


async def queue_due_reminders(now: datetime, links: ManageLinks, before: timedelta = REMINDER_BEFORE) -> int:
    """Queues one reminder per confirmed registration of events starting within `before`; returns how many."""
    engine = Registration._meta.db
    events = await Event.select(Event.id).where(
        (Event.status == EventStatus.PUBLISHED) & (Event.starts_at > now) & (Event.starts_at <= now + before)
    )
    queued = 0
    for item in events:
        async with write_transaction(engine):
            event = await locked_event(engine, event_id=item["id"])
            rows = await Registration.select().where(
                (Registration.event == item["id"])
                & (Registration.status == RegistrationStatus.CONFIRMED)
                & Registration.reminder_sent_at.is_null()
            )
            for row in rows:
                await Registration.update({Registration.reminder_sent_at: now}).where(
                    (Registration.id == row["id"]) & Registration.reminder_sent_at.is_null()
                )
                await queue_registration_mail(RegistrationMailKind.REMINDER, event, row, links, now)
                queued += 1
    return queued
