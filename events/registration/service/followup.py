"""The follow-up mail after the event (a job of the worker, and the organiser's "send now"): one mail per confirmed
registration of a published event, once — attendees (who joined through their personal link or were checked in)
get the attendees' text with the materials, recordings, resources and evaluation; confirmed no-shows another text
with the recordings. Cancelled events, cancelled, waitlisted and pending registrations get nothing.

`FollowupSent` is written in the event's locked write transaction, with a UNIQUE index on the registration, so two
workers (or a worker and "send now") never both send it. The job sends from `ends_at + delay` for a week
(`FOLLOWUP_WINDOW`); a follow-up that a worker down for longer missed can still be sent by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events.ical.build import in_utc
from events.kernel.database import write_transaction
from events.kernel.errors import Conflict
from events.kernel.i18n import N_, gettext_for
from events.programme import service as programme
from events.programme.tables import Event, EventStatus
from events.registration.service.attendance import attended
from events.registration.service.links import ManageLinks
from events.registration.service.mails import compose_registration_mail, queue_registration_mail
from events.registration.service.queries import locked_event
from events.registration.tables import FollowupSent, Registration, RegistrationMailKind, RegistrationStatus

FOLLOWUP_WINDOW = timedelta(days=7)
NOT_ENDED = N_("The follow-up can be sent once the event has ended")
CANCELLED = N_("This event has been cancelled: there is no follow-up")
KIND_OF_AUDIENCE = {"attended": RegistrationMailKind.FOLLOWUP_ATTENDED, "no_show": RegistrationMailKind.FOLLOWUP_NO_SHOW}


def followup_due_at(event: dict[str, Any]) -> datetime:
    return in_utc(event["ends_at"]) + timedelta(minutes=int(event["followup_delay_minutes"] or 0))


def is_due(event: dict[str, Any], now: datetime) -> bool:
    """Whether the job sends this event's follow-up now: switched on, published, and in its window."""
    due = followup_due_at(event)
    return (bool(event["followup_enabled"]) and event["status"] == EventStatus.PUBLISHED
            and due <= now < due + FOLLOWUP_WINDOW)


async def queue_due_followups(now: datetime, links: ManageLinks) -> int:
    """Queues the follow-up mails that are due; returns how many mails."""
    oldest = now - FOLLOWUP_WINDOW - timedelta(minutes=programme.MAX_FOLLOWUP_DELAY)
    candidates = await Event.select(
        Event.id, Event.ends_at, Event.status, Event.followup_enabled, Event.followup_delay_minutes
    ).where(
        (Event.status == EventStatus.PUBLISHED) & (Event.followup_enabled == True)  # noqa: E712 - a column
        & (Event.ends_at <= now) & (Event.ends_at > oldest)
    )
    queued = 0
    for item in candidates:
        if is_due(item, now):
            queued += await _in_locked_event(item["id"], links, now, lambda event: is_due(event, now))
    return queued


async def send_followup_now(event: dict[str, Any], links: ManageLinks, now: datetime) -> int:
    """The organiser's "send now": the follow-up to every confirmed registration that has not had it yet (also when
    the switch is off: the organiser asks for it). Conflict before the end or for a cancelled event."""
    if event["status"] == EventStatus.CANCELLED:
        raise Conflict(CANCELLED, {"followup": CANCELLED})
    if in_utc(event["ends_at"]) > now:
        raise Conflict(NOT_ENDED, {"followup": NOT_ENDED})
    return await _in_locked_event(event["id"], links, now, lambda row: row["status"] != EventStatus.CANCELLED)


async def _in_locked_event(event_id: int, links: ManageLinks, now: datetime, still) -> int:
    async with write_transaction(Registration._meta.db):
        event = await locked_event(Registration._meta.db, event_id=event_id)
        if event is None or not still(event):
            return 0
        return await _follow_up(event, links, now)


async def _follow_up(event: dict[str, Any], links: ManageLinks, now: datetime) -> int:
    rows = await Registration.select().where(
        (Registration.event == event["id"]) & (Registration.status == RegistrationStatus.CONFIRMED)
    )
    sent = {r["registration"] for r in await FollowupSent.select(FollowupSent.registration).where(
        FollowupSent.registration.event == event["id"]
    )}
    queued = 0
    for row in rows:
        if row["id"] in sent or not row["email"]:
            continue
        kind = RegistrationMailKind.FOLLOWUP_ATTENDED if attended(row) else RegistrationMailKind.FOLLOWUP_NO_SHOW
        await FollowupSent.insert(FollowupSent(registration=row["id"], kind=kind.value, sent_at=now))
        await queue_registration_mail(kind, event, row, links, now)
        queued += 1
    return queued


async def followup_counts(event_id: int) -> dict[str, int]:
    """How many follow-up mails went, by audience ("attended", "no_show")."""
    rows = await FollowupSent.select(FollowupSent.kind).where(FollowupSent.registration.event == event_id)
    return {audience: sum(1 for r in rows if r["kind"] == kind) for audience, kind in KIND_OF_AUDIENCE.items()}


async def followup_preview(event: dict[str, Any], audience: str, language: str, links: ManageLinks, now: datetime) -> dict[str, str]:
    """The follow-up mail for this audience as a participant would get it, for a sample registration, in this
    language (subject and text)."""
    sample = {
        "id": 0, "event": event["id"], "name": gettext_for(language, N_("Sample Participant")),
        "email": "deelnemer@example.org", "organisation": "", "answers": "{}", "language": language,
        "status": RegistrationStatus.CONFIRMED, "token_hash": "", "token_nonce": "preview", "created_at": now,
        "queued_at": now, "cancelled_at": None, "checked_in_at": None, "first_join_at": None,
    }
    message = await compose_registration_mail(KIND_OF_AUDIENCE[audience], {**event, "language": language}, sample, links, now)
    return {"subject": message.subject, "text": message.text_body}
