"""The registration side of the audit trail (`events.audit`): who exported, moved, approved, refused, cancelled,
checked in, deleted or purged registrations, and when. Entries carry the event and its organisation, so the
event's audit page and the organisation's trail list them."""

from __future__ import annotations

from datetime import datetime

from events.accounts.service import CurrentUser
from events.audit import service as trail
from events.programme.tables import Event

PREFIX = "registrations."


async def record(
    at: datetime, action: str, detail: str, *, user: CurrentUser | None = None, actor_label: str = "",
    event_id: int | None = None, subject: str = "",
) -> None:
    """One entry; `user` acted (their address is kept with it), or `actor_label` names what did (a command).
    Joins the caller's transaction."""
    organisation_id = None
    if event_id is not None:
        row = await Event.select(Event.organisation).where(Event.id == event_id).first()
        organisation_id = row["organisation"] if row else None
    await trail.record(
        f"{PREFIX}{action}", at, actor=user, actor_label=actor_label, organisation_id=organisation_id,
        event_id=event_id, subject=subject, detail=detail,
    )
