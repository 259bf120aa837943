"""Retention: the names participants agreed to share with their evaluation fall under the purge of events that
ended long enough ago (`events purge`): their responses become anonymous; the answers stay for the figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.evaluation.tables import Response
from events.programme.tables import Event


async def purge_names(now: datetime, retention_days: int) -> int:
    """Makes the named responses of events that ended more than `retention_days` ago anonymous; returns how many."""
    ended = [e["id"] for e in await Event.select(Event.id).where(Event.ends_at < now - timedelta(days=retention_days))]
    if not ended:
        return 0
    named = await Response.update({Response.name: None, Response.registration: None}).where(
        Response.event.is_in(ended) & (Response.name.is_not_null() | Response.registration.is_not_null())
    ).returning(Response.id)
    return len(named)
