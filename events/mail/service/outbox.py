"""The outbox itself: new messages, written in the transaction of the change that causes them, and the removal
of messages whose participant data is being erased."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio.to_thread

from events.kernel.database import insert_rows
from events.kernel.text import has_control_characters
from events.mail.tables import MessageStatus, OutboxMessage


def new_message(**fields: Any) -> OutboxMessage:
    """An outbox row (of `message_values`' fields), not yet saved: save it (or `queue_messages` many) in the
    transaction of the change."""
    return OutboxMessage(**message_values(**fields))


def message_values(
    *,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    kind: str,
    language: str = "nl",
    now: datetime,
    event_id: int | None = None,
    registration_id: int | None = None,
    calendar_method: str | None = None,
    calendar_ics: str | None = None,
    render_context: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An outbox row as column values, for `queue_messages` (no Table instance to make: a rush writes many).

    With `render_context` (JSON) the message is written unrendered: the worker's composer for its kind renders
    it at delivery (see `events.mail.jobs`). `headers`: extra header fields of the message (List-Unsubscribe…);
    a name or value with a line break or other control character is refused (ValueError)."""
    if headers and any(has_control_characters(f"{name}{value}") or ":" in name for name, value in headers.items()):
        raise ValueError("a mail header may not hold control characters")
    return dict(
        event=event_id,
        registration_id=registration_id,
        kind=kind,
        to_address=to_address,
        subject=subject[:300],
        text_body=text_body,
        html_body=html_body,
        language=language,
        calendar_method=calendar_method if calendar_ics else None,
        calendar_ics=calendar_ics,
        render_context=render_context,
        headers=json.dumps(headers) if headers else None,
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )


async def queue_messages(rows: Sequence[OutboxMessage | Mapping[str, Any]]) -> None:
    """Adds many messages in one INSERT (e.g. the registration desk's batch)."""
    await insert_rows(OutboxMessage, rows, returning=())


async def forget_mails_to(address: str, kind_prefix: str) -> None:
    """Drops every message of the kinds starting with `kind_prefix` to this address (a subscriber who left)."""
    await OutboxMessage.delete().where(
        (OutboxMessage.to_address == address) & OutboxMessage.kind.like(f"{kind_prefix}%")
    )


async def forget_registration(registration_id: int) -> None:
    """Drops every message to or about one registration (it holds their address and name)."""
    await OutboxMessage.delete().where(OutboxMessage.registration_id == registration_id)


async def forget_events(event_ids: list[int], mail_dir: Path | None = None) -> None:
    """Drops the messages of events whose participant data is being erased, and (given the deliverer's
    `mail_dir`) the `.eml` files written for them."""
    if not event_ids:
        return
    gone = await OutboxMessage.delete().where(OutboxMessage.event.is_in(event_ids)).returning(OutboxMessage.id)
    if mail_dir is not None:
        await anyio.to_thread.run_sync(_remove_eml_files, mail_dir, [row["id"] for row in gone])


def _remove_eml_files(mail_dir: Path, message_ids: list[int]) -> None:
    if not mail_dir.is_dir():
        return
    for message_id in message_ids:  # named `<id:08d>-<kind>.eml` by the deliverer
        for path in mail_dir.glob(f"{message_id:08d}-*.eml"):
            path.unlink(missing_ok=True)
