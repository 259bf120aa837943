"""Retention: speakers of events that ended long enough ago. The archived programme keeps the names it
published; a link-only speaker account with no session in a later event loses its address and its sign-in links
(`accounts.forget_speaker_account`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.accounts import service as accounts
from events.programme.tables import SessionSpeaker


async def forget_past_speakers(now: datetime, retention_days: int) -> int:
    """Forgets the speaker accounts whose every session belongs to an event that ended more than
    `retention_days` ago; returns how many accounts."""
    cutoff = now - timedelta(days=retention_days)
    rows = await SessionSpeaker.select(SessionSpeaker.speaker, SessionSpeaker.session.event.ends_at)
    latest: dict[int, datetime] = {}
    for row in rows:
        ends = row["session.event.ends_at"]
        latest[row["speaker"]] = max(latest.get(row["speaker"], ends), ends)
    forgotten = 0
    for speaker_id, ends in sorted(latest.items()):
        if ends < cutoff and await accounts.forget_speaker_account(speaker_id):
            forgotten += 1
    return forgotten

