"""What organisers see of their event's mail: counts by status, the messages that could not be delivered, and
trying those again."""

from __future__ import annotations

from datetime import datetime

from piccolo.query.functions.aggregate import Count

from events.mail.rows import FailedMessage
from events.mail.tables import MessageStatus, OutboxMessage


async def failed_messages(event_id: int) -> list[FailedMessage]:
    rows = (
        await OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
        )
        .where((OutboxMessage.event == event_id) & (OutboxMessage.status == MessageStatus.FAILED))
        .order_by(OutboxMessage.id, ascending=False)
    )
    return [FailedMessage(**row) for row in rows]


async def mail_counts(event_id: int) -> dict[str, int]:
    """How many of this event's messages are in each status (only the statuses that occur)."""
    rows = await (
        OutboxMessage.select(OutboxMessage.status, Count(OutboxMessage.id, alias="n"))
        .where(OutboxMessage.event == event_id)
        .group_by(OutboxMessage.status)
    )
    return {row["status"]: row["n"] for row in rows}


async def retry_failed(event_id: int, message_id: int | None, now: datetime) -> int:
    """Puts failed messages of this event back in the queue (all, or one); returns how many."""
    where = (OutboxMessage.event == event_id) & (OutboxMessage.status == MessageStatus.FAILED)
    if message_id is not None:
        where = where & (OutboxMessage.id == message_id)
    rows = await OutboxMessage.update(
        {OutboxMessage.status: MessageStatus.QUEUED, OutboxMessage.attempts: 0, OutboxMessage.next_attempt_at: now}
    ).where(where).returning(OutboxMessage.id)
    return len(rows)
