"""Organisers' events: create a draft, edit it, publish, unpublish or cancel it, and delete a draft.

Every change that matters to a calendar raises the event's `sequence` and is told to the listeners in its
transaction (events.programme.service.listeners).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations import service as organisations
from events.programme.service.listeners import (
    calendar_changes,
    refusal_of_guards,
    tell_calendar_change,
    tell_update,
)
from events.programme.service.queries import full_events
from events.programme.service.rules import clean_event
from events.programme.service.slugs import slugify, unique_slug
from events.programme.tables import Event, EventStatus, Session
from events.webhooks import service as webhooks
from events.webhooks.tables import EventType

# Publish, unpublish and cancel: which status each leads to and from which it may start.
TRANSITIONS = {
    "publish": (EventStatus.PUBLISHED, (EventStatus.DRAFT, EventStatus.CANCELLED)),
    "unpublish": (EventStatus.DRAFT, (EventStatus.PUBLISHED,)),
    "cancel": (EventStatus.CANCELLED, (EventStatus.DRAFT, EventStatus.PUBLISHED)),
}
TRANSITION_REFUSALS = {
    "publish": N_("Only a draft or cancelled event can be published"),
    "unpublish": N_("Only a published event can be taken offline"),
    "cancel": N_("This event has already been cancelled"),
}
SLUG_ATTEMPTS = 5
# What the organisation's webhooks hear of a status change.
STATUS_EVENTS = {"publish": EventType.EVENT_PUBLISHED, "cancel": EventType.EVENT_CANCELLED}


async def create_event(
    data: dict[str, Any], organiser: CurrentUser | int, now: datetime, slug: str | None = None,
    organisation: str | None = None,
) -> dict[str, Any]:
    """A new draft event of `organiser`, in the organisation named by `organisation` (its slug) or their only one
    (see `organisations.organisation_for_new_event`); its slug comes from the title (or `slug`), made unique with
    -2, -3, …"""
    if isinstance(organiser, int):
        maker = await accounts.get_user(organiser)
        assert maker is not None, organiser
        organiser = maker
    await organisations.require_may_create_events(organiser)  # a viewer hears 403 before any form error
    values = clean_event(data)
    owner = await organisations.organisation_for_new_event(organiser, organisation, now)
    base = slugify(slug) if slug and slug.strip() else slugify(values["title"])
    for attempt in range(SLUG_ATTEMPTS):
        try:
            async with write_transaction(Event._meta.db):
                event = Event(
                    **values, slug=await unique_slug(base), status=EventStatus.DRAFT.value, organiser=organiser.id,
                    organisation=owner.id,
                    sequence=0, created_at=now, updated_at=now,
                )
                await event.save()
            break
        except Exception as exc:  # a concurrent create took the same slug: pick the next one
            if attempt == SLUG_ATTEMPTS - 1 or "unique" not in str(exc).lower():
                raise
    return await full_events().where(Event.id == event.id).first()


async def _refuse_sessions_outside(event_id: int, values: dict[str, Any], fresh: dict[str, Any]) -> None:
    """New times may not leave sessions outside the event."""
    if values["starts_at"] == fresh["starts_at"] and values["ends_at"] == fresh["ends_at"]:
        return
    outside = await Session.count().where(
        (Session.event == event_id) & ((Session.starts_at < values["starts_at"]) | (Session.ends_at > values["ends_at"]))
    )
    if outside:
        raise RuleViolation(
            N_("The event could not be saved"),
            {"starts_at": N_("Some sessions would fall outside the event: move them first")},
        )


async def update_event(event: dict[str, Any], data: dict[str, Any], now: datetime) -> frozenset[str]:
    """Apply an edit; returns the calendar fields that changed (empty: the sequence stayed the same).

    The slug never changes, so links and calendar UIDs stay valid when the title does.
    """
    values = clean_event(data, current=event)
    engine = Event._meta.db
    async with write_transaction(engine):
        await lock_row(engine, Event, event["id"])
        fresh = await full_events().where(Event.id == event["id"]).first()
        await _refuse_sessions_outside(event["id"], values, fresh)
        changed = calendar_changes(fresh, values)
        update = {**values, "updated_at": now}
        if changed:
            update["sequence"] = fresh["sequence"] + 1
        await Event.update({getattr(Event, k): v for k, v in update.items()}).where(Event.id == event["id"])
        if changed:
            await tell_calendar_change({**fresh, **update}, changed, now)
        edited = frozenset(name for name, value in values.items() if fresh.get(name) != value)
        if edited:
            await tell_update({**fresh, **update}, edited, now)
        if edited and fresh["status"] == EventStatus.PUBLISHED:
            await webhooks.emit(EventType.EVENT_CHANGED, {**fresh, **update}, now, changed=sorted(edited))
    return changed


async def change_status(event: dict[str, Any], action: str, now: datetime) -> dict[str, Any]:
    """Publish, unpublish or cancel; raises the sequence. Returns the updated row."""
    if action not in TRANSITIONS:
        raise NotFound("No such action")
    target, allowed_from = TRANSITIONS[action]
    engine = Event._meta.db
    async with write_transaction(engine):
        await lock_row(engine, Event, event["id"])
        fresh = await full_events().where(Event.id == event["id"]).first()
        if fresh["status"] not in allowed_from:
            raise Conflict(TRANSITION_REFUSALS[action], {"status": TRANSITION_REFUSALS[action]})
        update = {"status": target.value, "sequence": fresh["sequence"] + 1, "updated_at": now}
        await Event.update({getattr(Event, k): v for k, v in update.items()}).where(Event.id == event["id"])
        row = {**fresh, **update}
        await tell_calendar_change(row, frozenset({"status"}), now)
        if action in STATUS_EVENTS:
            await webhooks.emit(STATUS_EVENTS[action], row, now)
    return row


def actions_for(status: str) -> list[str]:
    """The status changes an event in this status allows, in the order the dashboard offers them."""
    return [action for action, (_target, allowed) in TRANSITIONS.items() if status in allowed]


async def deletion_refusal(event: dict[str, Any]) -> str | None:
    """Why this event may not be deleted, or None. Only a draft goes: what was public is cancelled, never erased."""
    if event["status"] != EventStatus.DRAFT:
        return N_("Only a draft can be deleted; cancel a published event instead")
    return await refusal_of_guards(event)


async def delete_event(event: dict[str, Any]) -> None:
    """Deletes a draft with its sessions, speakers' assignments, materials, quizzes and links (the database
    cascades; uploaded files go with `events purge`)."""
    engine = Event._meta.db
    async with write_transaction(engine):
        await lock_row(engine, Event, event["id"])
        fresh = await full_events().where(Event.id == event["id"]).first()
        if fresh is None:
            raise NotFound(N_("No event with this address"))
        refusal = await deletion_refusal(fresh)
        if refusal:
            raise Conflict(refusal, {"status": refusal})
        await Event.delete().where(Event.id == fresh["id"])
