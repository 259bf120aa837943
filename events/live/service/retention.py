"""Retention: the names participants and askers gave fall under the purge of events that ended long enough ago."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.live.tables import Participant, Question, Space
from events.programme.tables import Event


async def purge_names(now: datetime, retention_days: int) -> int:
    """Forgets participants' and askers' names in the spaces of events that ended more than `retention_days` ago;
    returns how many names were forgotten."""
    ended = Event.select(Event.id).where(Event.ends_at < now - timedelta(days=retention_days))
    spaces = [r["id"] for r in await Space.select(Space.id).where(Space.event.is_in([e["id"] for e in await ended] or [0]))]
    if not spaces:
        return 0
    asked = await Question.update({Question.asker_name: None}).where(
        Question.space.is_in(spaces), Question.asker_name.is_not_null()).returning(Question.id)
    joined = await Participant.update({Participant.name: None}).where(
        Participant.space.is_in(spaces), Participant.name.is_not_null()).returning(Participant.id)
    return len(asked) + len(joined)
