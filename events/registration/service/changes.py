"""Changes to one registration: the participant cancels; the organiser cancels, approves or rejects, checks in,
moves to another event, or deletes. Each change that tells someone writes its mail in the same transaction, and a
freed confirmed place goes to the waiting list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts.service import CurrentUser
from events.kernel.database import write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.mail import service as mail
from events.programme.tables import EventStatus
from events.registration.rows import RegistrationRow
from events.registration.service import audit
from events.registration.service.hooks import status_happenings
from events.registration.service.links import ManageLinks
from events.registration.service.mails import queue_registration_mail
from events.registration.service.queries import (
    confirmed_and_waitlisted,
    locked_event,
    registration_row_by_token,
    registration_row_of_event,
    waitlist_position,
)
from events.registration.service.waiting_list import promote_locked
from events.registration.tables import (
    ACTIVE_STATUSES,
    AuditAction,
    Registration,
    RegistrationMailKind,
    RegistrationStatus,
)
from events.webhooks import service as webhooks
from events.webhooks.tables import EventType


async def cancel_registration(
    registration_id: int, now: datetime, links: ManageLinks, by: CurrentUser | None = None
) -> RegistrationRow:
    """Cancels an active registration, tells the person, and gives a freed place to the waiting list. `by`: the
    organiser who cancelled it for the participant (written in the audit trail)."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        current = await Registration.select(Registration.event).where(Registration.id == registration_id).first()
        if current is None:
            raise NotFound(N_("This registration does not exist."))
        event = await locked_event(engine, event_id=current["event"])
        row = await Registration.select().where(Registration.id == registration_id).first()
        if row["status"] not in ACTIVE_STATUSES:
            raise Conflict(N_("This registration has already been cancelled."))
        was_confirmed = row["status"] == RegistrationStatus.CONFIRMED
        await Registration.update(
            {Registration.status: RegistrationStatus.CANCELLED, Registration.cancelled_at: now, Registration.updated_at: now}
        ).where(Registration.id == registration_id)
        row.update(status=RegistrationStatus.CANCELLED, cancelled_at=now)
        await queue_registration_mail(RegistrationMailKind.CANCELLED, event, row, links, now)
        await webhooks.emit_all([webhooks.about_registration(EventType.REGISTRATION_CANCELLED, event, row)], now)
        if by is not None:
            await audit.record(now, AuditAction.CANCEL, f"registration {registration_id} cancelled for the participant",
                               user=by, event_id=event["id"], subject=f"registration {registration_id}")
        if was_confirmed:
            await promote_locked(event, now, links)
        return RegistrationRow.from_row(row)


async def cancel_by_token(token: str, now: datetime, links: ManageLinks) -> RegistrationRow:
    row = await registration_row_by_token(token)
    if row is None:
        raise NotFound(N_("This link is not valid (any more)."))
    return await cancel_registration(row["id"], now, links)


async def decide(
    event: dict[str, Any], registration_id: int, approve: bool, now: datetime, links: ManageLinks,
    by: CurrentUser | None = None,
) -> RegistrationStatus:
    """Approves (a place if there is one, else the waiting list) or rejects a pending registration; `by`, the
    organiser who decided, is written in the audit trail."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        locked = await locked_event(engine, event_id=event["id"])
        row = await registration_row_of_event(event["id"], registration_id)
        if row["status"] != RegistrationStatus.PENDING:
            raise Conflict(N_("Only registrations that wait for approval can be approved or rejected."))
        if approve:
            confirmed, _ = await confirmed_and_waitlisted(event["id"])
            has_place = locked["capacity"] is None or confirmed < locked["capacity"]
            status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
        else:
            status = RegistrationStatus.REJECTED
        await Registration.update(
            {Registration.status: status, Registration.updated_at: now, Registration.queued_at: now}
        ).where(Registration.id == registration_id)
        row.update(status=status, queued_at=now)
        await queue_registration_mail(status, locked, row, links, now, position=await waitlist_position(row))
        await webhooks.emit_all(status_happenings(locked, row), now)
        await audit.record(now, AuditAction.APPROVE if approve else AuditAction.REJECT,
                           f"registration {registration_id}: {status}", user=by, actor_label="" if by else "system",
                           event_id=event["id"], subject=f"registration {registration_id}")
        return status


async def set_checked_in(
    event: dict[str, Any], registration_id: int, checked_in: bool, now: datetime, by: CurrentUser | None = None
) -> RegistrationRow:
    """Checks a confirmed participant in (or undoes it); the change and who made it go into the audit trail."""
    row = await registration_row_of_event(event["id"], registration_id)
    if checked_in and row["status"] != RegistrationStatus.CONFIRMED:
        raise Conflict(N_("Only confirmed participants can be checked in."))
    async with write_transaction(Registration._meta.db):
        await Registration.update({Registration.checked_in_at: now if checked_in else None}).where(
            Registration.id == registration_id
        )
        await audit.record(now, AuditAction.CHECK_IN if checked_in else AuditAction.UNDO_CHECK_IN,
                           f"registration {registration_id}", user=by, actor_label="" if by else "system",
                           event_id=event["id"], subject=f"registration {registration_id}")
        was_in = row["checked_in_at"] is not None
        row["checked_in_at"] = now if checked_in else None
        if checked_in and not was_in:
            await webhooks.emit_all([webhooks.about_registration(EventType.REGISTRATION_CHECKED_IN, event, row)], now)
    return RegistrationRow.from_row(row)


async def move_registration(
    event: dict[str, Any], registration_id: int, target_event_id: int, user: CurrentUser, now: datetime, links: ManageLinks
) -> RegistrationRow:
    """Moves a registration to another event of the same organiser: a place there if free, else its waiting list."""
    engine = Registration._meta.db
    if target_event_id == event["id"]:
        raise RuleViolation(N_("Choose another event."), errors={"target": N_("Choose another event.")})
    async with write_transaction(engine):
        # Lock both events in id order, so two opposite moves cannot deadlock.
        locked = {}
        for event_id in sorted((event["id"], target_event_id)):
            locked[event_id] = await locked_event(engine, event_id=event_id)
        target = locked[target_event_id]
        row = await _movable(event, target, registration_id, now)
        was_confirmed = row["status"] == RegistrationStatus.CONFIRMED
        confirmed, _ = await confirmed_and_waitlisted(target_event_id)
        has_place = target["capacity"] is None or confirmed < target["capacity"]
        status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
        values = {"event": target_event_id, "status": status, "queued_at": now, "updated_at": now, "checked_in_at": None,
                  "reminder_sent_at": None}
        await Registration.update(values).where(Registration.id == registration_id)
        cancelled = {**row, "status": RegistrationStatus.CANCELLED}
        await queue_registration_mail(RegistrationMailKind.CANCELLED, locked[event["id"]], cancelled, links, now)
        moved = {**row, **values}
        await queue_registration_mail(status, target, moved, links, now, position=await waitlist_position(moved))
        await webhooks.emit_all([
            webhooks.about_registration(EventType.REGISTRATION_CANCELLED, locked[event["id"]], cancelled),
            *status_happenings(target, moved, created=True),
        ], now)
        await audit.record(now, AuditAction.MOVE, f"registration {registration_id} moved to event {target_event_id} ({status})",
                           user=user, event_id=event["id"])
        if was_confirmed:
            await promote_locked(locked[event["id"]], now, links)
        return RegistrationRow.from_row(moved)


async def _movable(event: dict[str, Any], target: dict[str, Any] | None, registration_id: int, now: datetime) -> dict[str, Any]:
    """The registration's row, once it may move to `target`; raises why not."""
    if target is None or target["organisation"] != event["organisation"]:  # never into another organisation
        raise RuleViolation(N_("Choose another event of yours."), errors={"target": N_("Choose another event of yours.")})
    if target["status"] != EventStatus.PUBLISHED or (target["ends_at"] is not None and now >= target["ends_at"]):
        raise Conflict(N_("The other event does not take registrations."))
    row = await registration_row_of_event(event["id"], registration_id)
    if row["status"] not in ACTIVE_STATUSES:
        raise Conflict(N_("This registration has already been cancelled."))
    if await Registration.exists().where(
        (Registration.event == target["id"]) & (Registration.email_normalised == row["email_normalised"])
    ):
        raise Conflict(N_("This person is already registered for the other event."))
    return row


async def delete_registration(event: dict[str, Any], registration_id: int, user: CurrentUser, now: datetime, links: ManageLinks) -> None:
    """Erases a registration for good (e.g. on a data-subject request); leaves an audit entry."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        locked = await locked_event(engine, event_id=event["id"])
        row = await registration_row_of_event(event["id"], registration_id)
        await Registration.delete().where(Registration.id == registration_id)
        await mail.forget_registration(registration_id)
        await audit.record(now, AuditAction.DELETE, f"registration {registration_id} deleted (was {row['status']})",
                           user=user, event_id=event["id"])
        if row["status"] == RegistrationStatus.CONFIRMED:
            await promote_locked(locked, now, links)
