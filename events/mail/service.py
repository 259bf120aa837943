"""The outbox: queueing messages in the caller's transaction, rendering them, and delivering them.

A message is a row (`OutboxMessage`) written in the same transaction as the change that causes it, so a change
and its mail commit together or not at all. A `Deliverer` claims due rows atomically (a lease under an IMMEDIATE
transaction on SQLite, `FOR UPDATE SKIP LOCKED` on PostgreSQL), so two deliverers never send one message twice,
and sends them over SMTP with retries and exponential backoff, or writes `.eml` files when no SMTP is set.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
from piccolo.engine.base import Engine
from piccolo.query.functions.aggregate import Count

from events.kernel.clock import Clock
from events.kernel.database import insert_rows, is_sqlite, write_transaction
from events.kernel.templates import build_environment
from events.mail.tables import OutboxMessage

log = logging.getLogger("events.mail")

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=60)  # 1, 2, 4, 8, 16 minutes between the attempts
LEASE = timedelta(minutes=5)  # a deliverer that dies mid-send gives its messages back after this


# --- rendering ---------------------------------------------------------------------------------------------


_env = build_environment(lambda ctx: ctx.get("language", "nl"))


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The text and HTML parts of `templates/<template>.txt|.html` in this language."""
    values = {**context, "language": language}
    text = _env.get_template(f"{template}.txt").render(values)
    html = _env.get_template(f"{template}.html").render(values)
    return text, html


# --- queueing ----------------------------------------------------------------------------------------------


def new_message(
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
) -> OutboxMessage:
    """An outbox row, not yet saved: save it (or `queue_messages` many) in the transaction of the change."""
    return OutboxMessage(
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
        status="queued",
        next_attempt_at=now,
        created_at=now,
    )


async def queue_message(**values: Any) -> int:
    """Adds a message to the outbox; call it inside the transaction of the change that causes the message."""
    row = new_message(**values)
    await row.save()
    return row.id


async def queue_messages(rows: list[OutboxMessage]) -> None:
    """Adds many messages in one INSERT (the registration writer's batch)."""
    await insert_rows(OutboxMessage, rows, returning=())


# --- MIME --------------------------------------------------------------------------------------------------


def build_mime(message: dict[str, Any], mail_from: str, now: datetime) -> EmailMessage:
    """Text + HTML as multipart/alternative; with a calendar, multipart/mixed holding the alternative (text, html,
    text/calendar; method=…) and the same .ics as the attachment `invite.ics`."""
    mime = EmailMessage()
    mime["From"] = mail_from
    mime["To"] = message["to_address"]
    mime["Subject"] = message["subject"]
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = message.get("message_id") or make_msgid(domain="events.local")
    mime["Content-Language"] = message.get("language") or "nl"
    mime["Auto-Submitted"] = "auto-generated"
    mime.set_content(message["text_body"], charset="utf-8")
    if message.get("html_body"):
        mime.add_alternative(message["html_body"], subtype="html", charset="utf-8")
    ics = message.get("calendar_ics")
    if ics:
        method = (message.get("calendar_method") or "REQUEST").upper()
        mime.add_alternative(ics, subtype="calendar", charset="UTF-8", params={"method": method})
        mime.add_attachment(
            ics.encode("utf-8"), maintype="text", subtype="calendar", filename="invite.ics", params={"method": method}
        )
    return mime


# --- delivery ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        scheme = parts.scheme
        default_port = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}[scheme]
        return cls(
            hostname=parts.hostname or "127.0.0.1",
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=scheme == "smtps",
            start_tls=scheme == "smtp+starttls",
        )


# Renders a message written with `render_context` (its domain's rows are read at delivery): returns the fields
# to store (subject, text_body, html_body, calendar_method, calendar_ics, language), or None when there is
# nothing to send any more (e.g. the registration was deleted).
Composer = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]


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
        self.smtp = SmtpTarget.parse(smtp_url) if smtp_url else None
        self.mail_dir = mail_dir
        self.mail_from = mail_from
        self.clock = clock
        self.engine = engine
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.timeout = timeout
        self.composer = composer

    async def claim(self) -> list[dict[str, Any]]:
        """Takes up to `batch_size` due messages for this deliverer: status 'sending' with a lease."""
        now = self.clock.now()
        due = ((OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now)) | (
            (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now)
        )
        async with write_transaction(self.engine):
            query = OutboxMessage.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(self.batch_size)
            if not is_sqlite(self.engine):
                query = query.lock_rows("UPDATE", skip_locked=True)
            ids = [row["id"] for row in await query]
            if not ids:
                return []
            await OutboxMessage.update(
                {
                    OutboxMessage.status: "sending",
                    OutboxMessage.lease_until: now + LEASE,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                }
            ).where(OutboxMessage.id.is_in(ids))
        return await OutboxMessage.select().where(OutboxMessage.id.is_in(ids)).order_by(OutboxMessage.id)

    async def _rendered(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Renders claimed messages that were written for later rendering, and stores the result (a retry sends
        the same text)."""
        ready = []
        for message in messages:
            if message.get("render_context") is None:
                ready.append(message)
                continue
            try:
                fields = await self.composer(message) if self.composer else None
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
                log.exception("rendering mail %s failed", message["id"])
                await self._failed_attempt(message, f"rendering failed: {exc}")
                continue
            if fields is None:
                await OutboxMessage.update(
                    {OutboxMessage.status: "failed", OutboxMessage.lease_until: None,
                     OutboxMessage.last_error: "nothing to send any more (the registration is gone)"}
                ).where(OutboxMessage.id == message["id"])
                continue
            fields = {**fields, "render_context": None}
            await OutboxMessage.update({getattr(OutboxMessage, k): v for k, v in fields.items()}).where(
                OutboxMessage.id == message["id"]
            )
            ready.append({**message, **fields})
        return ready

    async def deliver_due(self) -> int:
        """One round: claim, send, record. Returns how many messages were sent."""
        messages = await self._rendered(await self.claim())
        if not messages:
            return 0
        sent = 0
        if self.smtp is None:
            for message in messages:
                try:
                    self._write_eml(message)
                except OSError as exc:
                    await self._failed_attempt(message, f"cannot write .eml: {exc}")
                else:
                    await self._sent(message)
                    sent += 1
            return sent
        client = aiosmtplib.SMTP(
            hostname=self.smtp.hostname,
            port=self.smtp.port,
            use_tls=self.smtp.use_tls,
            start_tls=self.smtp.start_tls,
            timeout=self.timeout,
        )
        try:
            await client.connect()
            if self.smtp.username:
                await client.login(self.smtp.username, self.smtp.password or "")
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            for message in messages:
                await self._failed_attempt(message, f"SMTP connection failed: {exc}")
            return 0
        try:
            for message in messages:
                try:
                    await client.send_message(build_mime(message, self.mail_from, self.clock.now()))
                except aiosmtplib.SMTPRecipientsRefused as exc:
                    await self._failed_attempt(message, f"recipient refused: {exc}", permanent=True)
                except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
                    await self._failed_attempt(message, f"SMTP error: {exc}")
                else:
                    await self._sent(message)
                    sent += 1
        finally:
            try:
                await client.quit()
            except (TimeoutError, aiosmtplib.SMTPException, OSError):
                client.close()
        return sent

    def _write_eml(self, message: dict[str, Any]) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        path = self.mail_dir / f"{message['id']:08d}-{message['kind']}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(build_mime(message, self.mail_from, self.clock.now())))
        temporary.replace(path)  # readers never see half a file

    async def _sent(self, message: dict[str, Any]) -> None:
        await OutboxMessage.update(
            {
                OutboxMessage.status: "sent",
                OutboxMessage.sent_at: self.clock.now(),
                OutboxMessage.lease_until: None,
                OutboxMessage.last_error: "",
            }
        ).where((OutboxMessage.id == message["id"]) & (OutboxMessage.status == "sending"))

    async def _failed_attempt(self, message: dict[str, Any], error: str, permanent: bool = False) -> None:
        attempts = message["attempts"]
        log.warning("mail %s to %s: attempt %s failed: %s", message["id"], message["to_address"], attempts, error)
        if permanent or attempts >= self.max_attempts:
            values = {OutboxMessage.status: "failed", OutboxMessage.lease_until: None, OutboxMessage.last_error: error[:2000]}
        else:
            delay = self.backoff_base * (2 ** (attempts - 1))
            values = {
                OutboxMessage.status: "queued",
                OutboxMessage.lease_until: None,
                OutboxMessage.next_attempt_at: self.clock.now() + delay,
                OutboxMessage.last_error: error[:2000],
            }
        await OutboxMessage.update(values).where((OutboxMessage.id == message["id"]) & (OutboxMessage.status == "sending"))


# --- what organisers see -----------------------------------------------------------------------------------


async def failed_messages(event_id: int) -> list[dict[str, Any]]:
    return (
        await OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
        )
        .where((OutboxMessage.event == event_id) & (OutboxMessage.status == "failed"))
        .order_by(OutboxMessage.id, ascending=False)
    )


async def mail_counts(event_id: int) -> dict[str, int]:
    rows = await (
        OutboxMessage.select(OutboxMessage.status, Count(OutboxMessage.id, alias="n"))
        .where(OutboxMessage.event == event_id)
        .group_by(OutboxMessage.status)
    )
    return {row["status"]: row["n"] for row in rows}


async def retry_failed(event_id: int, message_id: int | None, now: datetime) -> int:
    """Puts failed messages of this event back in the queue (all, or one); returns how many."""
    where = (OutboxMessage.event == event_id) & (OutboxMessage.status == "failed")
    if message_id is not None:
        where = where & (OutboxMessage.id == message_id)
    rows = await OutboxMessage.update(
        {OutboxMessage.status: "queued", OutboxMessage.attempts: 0, OutboxMessage.next_attempt_at: now}
    ).where(where).returning(OutboxMessage.id)
    return len(rows)



# --- retention ---------------------------------------------------------------------------------------------


async def forget_registration(registration_id: int) -> None:
    """Drops every message to or about one registration (it holds their address and name)."""
    await OutboxMessage.delete().where(OutboxMessage.registration_id == registration_id)


async def forget_events(event_ids: list[int]) -> None:
    """Drops the messages of events whose participant data is being erased."""
    if event_ids:
        await OutboxMessage.delete().where(OutboxMessage.event.is_in(event_ids))
