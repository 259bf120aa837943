"""Retention (AVG/GDPR): participant data of events that ended long enough ago is anonymised, with their mails
in the outbox, by `events purge`; every run leaves an audit entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from events.kernel.database import write_transaction
from events.mail import service as mail
from events.programme.tables import Event
from events.registration.service import audit
from events.registration.tables import AuditAction, Registration


async def purge(
    now: datetime, retention_days: int, actor_label: str = "events purge", mail_dir: Path | None = None
) -> int:
    """Anonymises participant data of events that ended more than `retention_days` ago, drops their mails (rows
    and, given `mail_dir`, `.eml` files); returns how many registrations."""
    cutoff = now - timedelta(days=retention_days)
    event_ids = [row["id"] for row in await Event.select(Event.id).where(Event.ends_at < cutoff)]
    touched = await _anonymise(event_ids, now, mail_dir) if event_ids else 0
    await audit.record(
        now, AuditAction.PURGE,
        f"anonymised {touched} registrations of events that ended before {cutoff.isoformat(timespec='minutes')}",
        actor_label=actor_label,
    )
    return touched


async def _anonymise(event_ids: list[int], now: datetime, mail_dir: Path | None) -> int:
    async with write_transaction(Registration._meta.db):
        rows = await Registration.select(Registration.id).where(
            Registration.event.is_in(event_ids) & Registration.anonymised_at.is_null()
        )
        for row in rows:
            await Registration.update(
                {
                    Registration.name: "",
                    Registration.email: "",
                    Registration.email_normalised: f"anonymised-{row['id']}",
                    Registration.organisation: "",
                    Registration.answers: "{}",
                    Registration.anonymised_at: now,
                }
            ).where(Registration.id == row["id"])
        await mail.forget_events(event_ids, mail_dir)
        return len(rows)
