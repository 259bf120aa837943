"""Writing and reading the audit trail. `record` joins the caller's transaction, so an action and its entry are
written together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events.accounts.service import CurrentUser
from events.audit.tables import AuditEntry


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor_label: str
    action: str
    subject: str
    detail: str
    organisation_id: int | None
    event_id: int | None


async def record(
    action: str,
    now: datetime,
    *,
    actor: CurrentUser | None = None,
    actor_label: str = "",
    organisation_id: int | None = None,
    event_id: int | None = None,
    subject: str = "",
    detail: str = "",
) -> None:
    """One entry; `actor` None means the system acted (`actor_label` says which command)."""
    await AuditEntry(
        at=now,
        actor=actor.id if actor else None,
        actor_label=(actor.email if actor else actor_label)[:254],
        action=action[:60],
        organisation_id=organisation_id,
        event_id=event_id,
        subject=subject[:254],
        detail=detail,
    ).save()


async def entries(
    *, organisation_id: int | None = None, event_id: int | None = None, action_prefix: str = "", limit: int = 200
) -> list[Entry]:
    """The newest entries first, optionally of one organisation, one event or one kind of action."""
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False).limit(limit)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id)
    if action_prefix:
        query = query.where(AuditEntry.action.like(f"{action_prefix}%"))
    return [
        Entry(
            at=row["at"], actor_label=row["actor_label"], action=row["action"], subject=row["subject"],
            detail=row["detail"], organisation_id=row["organisation_id"], event_id=row["event_id"],
        )
        for row in await query
    ]
