"""The audit trail of participant data: who exported, moved, deleted or purged registrations, and when."""

from __future__ import annotations

from datetime import datetime

from events.accounts.service import CurrentUser
from events.registration.tables import AuditEntry


async def record(
    at: datetime, action: str, detail: str, *, user: CurrentUser | None = None, actor_label: str = "",
    event_id: int | None = None,
) -> None:
    """One entry; `user` acted (their address is kept with it), or `actor_label` names what did (a command)."""
    await AuditEntry(
        at=at, actor=user.id if user else None, actor_label=user.email if user else actor_label, action=action,
        event=event_id, detail=detail,
    ).save()
