"""Reminders (a job of the worker): the mails of each event's reminder schedule (`Event.reminder_minutes`, the
same minutes as the calendar's alarms), to confirmed registrations of published events only.

Each reminder goes once per registration and event start (`ReminderSent`, written in the event's locked write
transaction, so two workers cannot both send it); a moved event starts its schedule again from the new start.
When several reminders are due at once (a late registration, a worker that was down) only the nearest one goes;
a reminder that fell due before the registration was made is passed over (the confirmation said it all).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events.ical.build import MAX_ALARM_MINUTES, in_utc, reminder_minutes
from events.kernel.database import write_transaction
from events.kernel.i18n import N_, gettext_for
from events.programme.tables import Event, EventStatus
from events.registration.service.links import ManageLinks
from events.registration.service.mails import compose_registration_mail, queue_registration_mail
from events.registration.service.queries import locked_event
from events.registration.tables import Registration, RegistrationMailKind, RegistrationStatus, ReminderSent


def due_minutes(event: dict[str, Any], now: datetime) -> list[int]:
    """The reminders of the schedule whose time has come (the event has not started yet)."""
    starts_at = in_utc(event["starts_at"])
    if starts_at <= now:
        return []
    return [m for m in reminder_minutes(event["reminder_minutes"]) if starts_at - timedelta(minutes=m) <= now]


async def queue_due_reminders(now: datetime, links: ManageLinks) -> int:
    """Queues the reminders that are due; returns how many mails."""
    engine = Registration._meta.db
    candidates = await Event.select(Event.id, Event.starts_at, Event.reminder_minutes).where(
        (Event.status == EventStatus.PUBLISHED) & (Event.starts_at > now)
        & (Event.starts_at <= now + timedelta(minutes=MAX_ALARM_MINUTES)) & (Event.reminder_minutes != "")
    )
    queued = 0
    for item in candidates:
        if not due_minutes(item, now):
            continue
        async with write_transaction(engine):
            event = await locked_event(engine, event_id=item["id"])
            if event is not None and event["status"] == EventStatus.PUBLISHED:
                queued += await _remind(event, due_minutes(event, now), links, now)
    return queued


async def _remind(event: dict[str, Any], due: list[int], links: ManageLinks, now: datetime) -> int:
    if not due:
        return 0
    starts_at = in_utc(event["starts_at"])
    rows = await Registration.select().where(
        (Registration.event == event["id"]) & (Registration.status == RegistrationStatus.CONFIRMED)
    )
    sent = await ReminderSent.select(ReminderSent.registration, ReminderSent.minutes_before, ReminderSent.starts_at).where(
        ReminderSent.registration.event == event["id"]
    )
    done = {(r["registration"], r["minutes_before"]) for r in sent if in_utc(r["starts_at"]) == starts_at}
    queued = 0
    for row in rows:
        open_ = [m for m in due if (row["id"], m) not in done]
        if not open_:
            continue
        await ReminderSent.insert(
            *[ReminderSent(registration=row["id"], minutes_before=m, starts_at=starts_at, sent_at=now) for m in open_]
        )
        timely = [m for m in open_ if starts_at - timedelta(minutes=m) >= in_utc(row["created_at"])]
        if timely:
            await Registration.update({Registration.reminder_sent_at: now}).where(Registration.id == row["id"])
            await queue_registration_mail(RegistrationMailKind.REMINDER, event, row, links, now, reminder=min(timely))
            queued += 1
    return queued


async def reminder_preview(event: dict[str, Any], minutes: int, language: str, links: ManageLinks, now: datetime) -> dict[str, str]:
    """The reminder mail of this entry of the schedule as a participant would get it, for a sample registration
    (subject and text); the event's own language unless `language` asks for the other."""
    sample = {
        "id": 0, "event": event["id"], "name": gettext_for(language, N_("Sample Participant")),
        "email": "deelnemer@example.org", "organisation": "", "answers": "{}", "language": language,
        "status": RegistrationStatus.CONFIRMED, "token_hash": "", "token_nonce": "preview", "created_at": now,
        "queued_at": now, "cancelled_at": None, "checked_in_at": None,
    }
    message = await compose_registration_mail(
        RegistrationMailKind.REMINDER, {**event, "language": language}, sample, links, now, reminder=minutes
    )
    return {"subject": message.subject, "text": message.text_body}
