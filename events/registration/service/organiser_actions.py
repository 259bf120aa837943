"""What an organiser does to one registration besides the changes in `changes`: promote a waitlisted person ahead
of the queue (into a free place, or past the capacity when the organiser says so), and mail the manage link again.
Both are in the audit trail and tell the person, in the transaction of the change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events.accounts.service import CurrentUser
from events.kernel.database import write_transaction
from events.kernel.errors import Conflict
from events.kernel.i18n import N_
from events.programme.tables import EventStatus
from events.registration.rows import RegistrationRow
from events.registration.service import audit
from events.registration.service.links import ManageLinks
from events.registration.service.mails import queue_registration_mail
from events.registration.service.queries import (
    confirmed_and_waitlisted,
    locked_event,
    registration_row_of_event,
    waitlist_position,
)
from events.registration.tables import (
    ACTIVE_STATUSES,
    AuditAction,
    Registration,
    RegistrationMailKind,
    RegistrationStatus,
)
from events.webhooks import service as webhooks
from events.webhooks.tables import EventType

# An organiser may send the link again, but not bury a participant in mails (a script in a loop).
RESEND_INTERVAL = timedelta(minutes=5)
NOT_WAITLISTED = N_("Only registrations on the waiting list can be given a place.")
FULL = N_("No place is free. Send over_capacity: true to give a place beyond the capacity.")
NOT_TAKING = N_("This event does not take registrations any more.")
NOT_ACTIVE = N_("This registration has been cancelled: there is no link to send.")
JUST_SENT = N_("The link was sent less than five minutes ago.")


async def promote_registration(
    event: dict[str, Any], registration_id: int, now: datetime, links: ManageLinks, by: CurrentUser,
    over_capacity: bool = False,
) -> RegistrationRow:
    """Gives this waitlisted person a place now (ahead of the queue), telling them as an automatic promotion does;
    a full event needs `over_capacity` (the organiser adds a place)."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        locked = await locked_event(engine, event_id=event["id"])
        row = await registration_row_of_event(event["id"], registration_id)
        if row["status"] != RegistrationStatus.WAITLISTED:
            raise Conflict(NOT_WAITLISTED)
        if locked["status"] != EventStatus.PUBLISHED or (locked["ends_at"] is not None and now >= locked["ends_at"]):
            raise Conflict(NOT_TAKING)
        confirmed, _ = await confirmed_and_waitlisted(event["id"])
        full = locked["capacity"] is not None and confirmed >= locked["capacity"]
        if full and not over_capacity:
            raise Conflict(FULL, {"over_capacity": FULL})
        await Registration.update(
            {Registration.status: RegistrationStatus.CONFIRMED, Registration.updated_at: now}
        ).where(Registration.id == registration_id)
        row["status"] = RegistrationStatus.CONFIRMED
        await queue_registration_mail(RegistrationMailKind.PROMOTED, locked, row, links, now)
        await webhooks.emit_all([webhooks.about_registration(EventType.REGISTRATION_PROMOTED, locked, row)], now)
        await audit.record(now, AuditAction.PROMOTE,
                           f"registration {registration_id} given a place" + (" beyond the capacity" if full else ""),
                           user=by, event_id=event["id"], subject=f"registration {registration_id}")
        return RegistrationRow.from_row(row)


async def resend_manage_link(
    event: dict[str, Any], registration_id: int, now: datetime, links: ManageLinks, by: CurrentUser
) -> RegistrationRow:
    """Mails the person their manage link again (at most every five minutes); the link itself goes only by mail."""
    async with write_transaction(Registration._meta.db):
        row = await registration_row_of_event(event["id"], registration_id)
        if row["status"] not in ACTIVE_STATUSES:
            raise Conflict(NOT_ACTIVE)
        if row.get("link_resent_at") is not None and row["link_resent_at"] > now - RESEND_INTERVAL:
            raise Conflict(JUST_SENT)
        await Registration.update({Registration.link_resent_at: now}).where(Registration.id == registration_id)
        row["link_resent_at"] = now
        await queue_registration_mail(RegistrationMailKind.LINK, event, row, links, now,
                                      position=await waitlist_position(row))
        await audit.record(now, AuditAction.RESEND_LINK, f"manage link of registration {registration_id} sent again",
                           user=by, event_id=event["id"], subject=f"registration {registration_id}")
        return RegistrationRow.from_row(row, await waitlist_position(row))
