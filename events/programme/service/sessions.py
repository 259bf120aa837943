"""The programme of an event: adding, changing and deleting its sessions, and dating every programme change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.kernel.database import write_transaction
from events.programme.service.queries import session_of_event
from events.programme.service.rules import clean_session
from events.programme.tables import Event, Session, SessionSpeaker


async def date_programme_change(event_ids: list[int], now: datetime) -> None:
    """Dates a change of these events' programmes, deletions included (call it in the change's transaction):
    programme.ics's Last-Modified."""
    if event_ids:
        await Event.update({Event.programme_updated_at: now}).where(Event.id.is_in(event_ids))


async def create_session(event: dict[str, Any], data: dict[str, Any], now: datetime) -> dict[str, Any]:
    values = clean_session(data, event)
    async with write_transaction(Session._meta.db):
        session = Session(**values, event=event["id"], created_at=now)
        await session.save()
        await date_programme_change([event["id"]], now)
    return await Session.select().where(Session.id == session.id).first()


async def update_session(event: dict[str, Any], session_id: int, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    current = await session_of_event(event, session_id)
    values = clean_session(data, event, current=current)
    async with write_transaction(Session._meta.db):
        await Session.update({getattr(Session, k): v for k, v in values.items()}).where(Session.id == session_id)
        await date_programme_change([event["id"]], now)
    return {**current, **values}


async def delete_session(event: dict[str, Any], session_id: int, now: datetime) -> None:
    await session_of_event(event, session_id)
    async with write_transaction(Session._meta.db):
        await SessionSpeaker.delete().where(SessionSpeaker.session == session_id)
        await Session.delete().where(Session.id == session_id)
        await date_programme_change([event["id"]], now)
