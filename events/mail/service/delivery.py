"""Delivering the outbox: a `Deliverer` claims due rows atomically (a lease under an IMMEDIATE transaction on
SQLite, `FOR UPDATE SKIP LOCKED` on PostgreSQL), so two deliverers never send one message twice, renders those
written unrendered, and sends them over SMTP with retries and exponential backoff, or writes `.eml` files when no
SMTP is set.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine

from events.kernel.clock import Clock
from events.kernel.database import is_sqlite, write_transaction
from events.mail.jobs import Composer
from events.mail.service import smtp
from events.mail.service.rendering import build_mime
from events.mail.tables import MessageStatus, OutboxMessage

log = logging.getLogger("events.mail")

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=60)  # 1, 2, 4, 8, 16 minutes between the attempts
LEASE = timedelta(minutes=5)  # a deliverer that dies mid-send gives its messages back after this
NOTHING_TO_SEND = "nothing to send any more (the registration is gone)"


async def _give_way() -> None:
    """Between two messages: a message's rendering and building are milliseconds of the loop's time (SQLite's
    short reads run on the loop), so a round of them would hold up the requests of a registration rush."""
    await asyncio.sleep(0)


class Deliverer:
    """Claims due outbox messages and sends them; safe to run in several processes at once."""

    def __init__(
        self,
        *,
        smtp_url: str | None,
        mail_dir: Path,
        mail_from: str,
        clock: Clock,
        engine: Engine,
        batch_size: int = 50,
        max_attempts: int = MAX_ATTEMPTS,
        backoff_base: timedelta = BACKOFF_BASE,
        timeout: float = 20.0,
        composer: Composer | None = None,
    ):
        self.smtp = smtp.SmtpTarget.parse(smtp_url) if smtp_url else None
        self.mail_dir = mail_dir
        self.mail_from = mail_from
        self.clock = clock
        self.engine = engine
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.timeout = timeout
        self.composer = composer

    async def claim(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Takes up to `limit` (else `batch_size`) due messages for this deliverer: status 'sending' with a lease."""
        now = self.clock.now()
        due = ((OutboxMessage.status == MessageStatus.QUEUED) & (OutboxMessage.next_attempt_at <= now)) | (
            (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.lease_until < now)
        )
        if not await OutboxMessage.exists().where(due):  # a read: an idle round takes no write lock
            return []
        async with write_transaction(self.engine):
            query = OutboxMessage.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit or self.batch_size)
            if not is_sqlite(self.engine):
                query = query.lock_rows("UPDATE", skip_locked=True)
            ids = [row["id"] for row in await query]
            if not ids:
                return []
            await OutboxMessage.update(
                {
                    OutboxMessage.status: MessageStatus.SENDING,
                    OutboxMessage.lease_until: now + LEASE,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                }
            ).where(OutboxMessage.id.is_in(ids))
        return await OutboxMessage.select().where(OutboxMessage.id.is_in(ids)).order_by(OutboxMessage.id)

    async def deliver_due(self, limit: int | None = None) -> int:
        """One round: claim (at most `limit`, else `batch_size`), send, record. Returns how many were sent."""
        messages = await self._rendered(await self.claim(limit))
        if not messages:
            return 0
        if self.smtp is None:
            return await self._write_files(messages)
        return await self._send_by_smtp(messages)

    async def _rendered(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Renders claimed messages that were written for later rendering, and stores the results (a retry sends
        the same text) in one write transaction: one round for the writer's lock, not one per message, so a
        delivering worker does not queue behind (or hold up) a registration rush."""
        ready, rendered = [], []
        for message in messages:
            if message.get("render_context") is None:
                ready.append(message)
                continue
            await _give_way()
            try:
                fields = await self.composer(message, self.clock.now()) if self.composer else None
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
                await self._failed_attempt(message, f"rendering failed: {exc!r}")
                continue
            if fields is None:
                await _give_up(message, NOTHING_TO_SEND)
                continue
            fields = {**fields, "render_context": None}
            rendered.append((message["id"], fields))
            ready.append({**message, **fields})
        if rendered:
            async with write_transaction(self.engine):
                for message_id, fields in rendered:
                    await OutboxMessage.update({getattr(OutboxMessage, k): v for k, v in fields.items()}).where(
                        OutboxMessage.id == message_id
                    )
        return ready

    async def _write_files(self, messages: list[dict[str, Any]]) -> int:
        """Writes each message's .eml, then records the written ones as sent in one statement (a file rewritten
        after a crash is the same file under the same name)."""
        written = []
        for message in messages:
            await _give_way()
            try:
                self._write_eml(message)
            except OSError as exc:
                await self._failed_attempt(message, f"cannot write .eml: {exc}")
            except Exception as exc:  # noqa: BLE001 - a message that cannot be built fails alone
                await self._failed_attempt(message, f"cannot build the message: {exc!r}")
            else:
                written.append(message["id"])
        if written:
            await OutboxMessage.update(self._sent_values()).where(
                OutboxMessage.id.is_in(written) & (OutboxMessage.status == MessageStatus.SENDING)
            )
        return len(written)

    async def _send_by_smtp(self, messages: list[dict[str, Any]]) -> int:
        try:
            client = await smtp.connect(self.smtp, self.timeout)
        except smtp.SMTP_ERRORS as exc:
            for message in messages:
                await self._failed_attempt(message, f"SMTP connection failed: {exc}")
            return 0
        sent = 0
        try:
            for message in messages:
                try:
                    mime = build_mime(message, self.mail_from, self.clock.now())
                except Exception as exc:  # noqa: BLE001 - a message that cannot be built fails alone
                    await self._failed_attempt(message, f"cannot build the message: {exc!r}")
                    continue
                try:
                    await client.send_message(mime)
                except smtp.RecipientRefused as exc:
                    await self._failed_attempt(message, f"recipient refused: {exc}", permanent=True)
                except smtp.SMTP_ERRORS as exc:
                    await self._failed_attempt(message, f"SMTP error: {exc}")
                except Exception as exc:  # noqa: BLE001 - whatever one message raises is that message's failure
                    await self._failed_attempt(message, f"sending failed: {exc!r}")
                else:
                    await self._sent(message)
                    sent += 1
        finally:
            await smtp.disconnect(client)
        return sent

    def _write_eml(self, message: dict[str, Any]) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        path = self.mail_dir / f"{message['id']:08d}-{message['kind']}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(build_mime(message, self.mail_from, self.clock.now())))
        temporary.replace(path)  # readers never see half a file

    def _sent_values(self) -> dict:
        return {
            OutboxMessage.status: MessageStatus.SENT,
            OutboxMessage.sent_at: self.clock.now(),
            OutboxMessage.lease_until: None,
            OutboxMessage.last_error: "",
        }

    async def _sent(self, message: dict[str, Any]) -> None:
        """One message sent over SMTP: recorded at once, so a crash later in the batch sends it no second time."""
        await OutboxMessage.update(self._sent_values()).where(
            (OutboxMessage.id == message["id"]) & (OutboxMessage.status == MessageStatus.SENDING)
        )

    async def _failed_attempt(self, message: dict[str, Any], error: str, permanent: bool = False) -> None:
        attempts = message["attempts"]
        # The log names the message, never its recipient: the reason (which may quote the address) stays in the
        # row, shown to the event's organisers.
        log.warning("mail %s: attempt %s failed (%s)", message["id"], attempts, error.split(":", 1)[0])
        if permanent or attempts >= self.max_attempts:
            values = {OutboxMessage.status: MessageStatus.FAILED, OutboxMessage.lease_until: None,
                      OutboxMessage.last_error: error[:2000]}
        else:
            delay = self.backoff_base * (2 ** (attempts - 1))
            values = {
                OutboxMessage.status: MessageStatus.QUEUED,
                OutboxMessage.lease_until: None,
                OutboxMessage.next_attempt_at: self.clock.now() + delay,
                OutboxMessage.last_error: error[:2000],
            }
        await OutboxMessage.update(values).where(
            (OutboxMessage.id == message["id"]) & (OutboxMessage.status == MessageStatus.SENDING)
        )


async def _give_up(message: dict[str, Any], error: str) -> None:
    """Failed for good, without another attempt (there is nothing left to send)."""
    await OutboxMessage.update(
        {OutboxMessage.status: MessageStatus.FAILED, OutboxMessage.lease_until: None, OutboxMessage.last_error: error}
    ).where(OutboxMessage.id == message["id"])
