"""Participant import: an uploaded list is previewed row by row (every row's problems: a bad address, a duplicate,
an unknown answer, over capacity), then committed in ONE transaction through the same writer as registrations
made one by one (`registration.register_batch`), so capacity, dedupe and the waiting list behave exactly alike.
One bad row does not stall the others: it is left out and reported. The import is in the audit trail."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.imports.parsing import read_table
from events.imports.tables import ParticipantImport
from events.kernel.database import write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import normalise_email
from events.registration import service as registration
from events.registration.service import Applicant, ManageLinks

COLUMNS = {
    "name": {"name", "naam", "full name", "volledige naam"},
    "email": {"email", "e-mail", "e-mailadres", "emailadres", "email address", "e-mail address"},
    "organisation": {"organisation", "organization", "organisatie"},
}
NEEDS_COLUMNS = N_("The first row must name the columns; name and e-mail are required.")
DUPLICATE = N_("This e-mail address is in the file twice; only the first row counts.")
ALREADY = N_("This person is already registered for this event.")
WAITLIST = N_("Over capacity: this person goes on the waiting list.")
NOT_FOUND = N_("No import with this number")
DONE = N_("This import has already been committed.")


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    organisation: str
    answers: dict[str, Any]
    outcome: str | None = None  # confirmed | waitlisted | pending; None when the row is left out
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    id: int
    rows: list[ImportRow]
    unknown_columns: list[str]
    send_mails: bool

    @property
    def counts(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), "refused": sum(1 for r in self.rows if r.outcome is None)}
        for row in self.rows:
            if row.outcome:
                counts[row.outcome] = counts.get(row.outcome, 0) + 1
        return counts


def _columns(header: list[str], questions) -> tuple[dict[int, str], list[str]]:
    """Column index -> field ("name", "email", "organisation" or "q<id>"), and the columns nobody knows."""
    by_label = {q.label.strip().casefold(): f"q{q.id}" for q in questions}
    mapped, unknown = {}, []
    for index, title in enumerate(header):
        key = title.strip().casefold()
        found = next((name for name, aliases in COLUMNS.items() if key in aliases), None) or by_label.get(key)
        if found and found not in mapped.values():
            mapped[index] = found
        elif title.strip():
            unknown.append(title.strip())
    if "name" not in mapped.values() or "email" not in mapped.values():
        raise RuleViolation(NEEDS_COLUMNS, {"file": NEEDS_COLUMNS})
    return mapped, unknown


def _parsed_rows(table: list[list[str]], mapped: dict[int, str]) -> list[ImportRow]:
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {name: (cells[index] if index < len(cells) else "") for index, name in mapped.items()}
        answers = {key[1:]: value for key, value in values.items() if key.startswith("q")}
        rows.append(ImportRow(line, values.get("name", ""), values.get("email", ""), values.get("organisation", ""), answers))
    return rows


async def _judge(event: dict[str, Any], rows: list[ImportRow], now: datetime) -> None:
    """Each row's outcome and problems, as the registration writer would decide them now."""
    questions = await registration.questions_of(event["id"])
    closed = registration.registration_closed_reason(event, now)
    registered = {normalise_email(r.email) for r in await registration.registrations_of(event["id"])
                  if str(r.status) in ("confirmed", "waitlisted", "pending")}
    places = await registration.places_left(event)
    seen: dict[str, int] = {}
    for row in rows:
        try:
            registration.validate_applicant(_applicant(row), questions)
        except RuleViolation as refusal:
            row.errors.update(refusal.errors)
        email = normalise_email(row.email)
        if closed:
            row.errors["event"] = closed
        elif email in seen and not row.errors:
            row.errors["email"] = DUPLICATE
        elif email in registered and not row.errors:
            row.errors["email"] = ALREADY
        seen.setdefault(email, row.line)
        if row.errors:
            continue
        if event["approval_required"]:
            row.outcome = "pending"
        elif places is None or places > 0:
            row.outcome = "confirmed"
            places = None if places is None else places - 1
        else:
            row.outcome = "waitlisted"
            row.notes.append(WAITLIST)


def _applicant(row: ImportRow) -> Applicant:
    return Applicant(name=row.name, email=row.email, organisation=row.organisation, answers=dict(row.answers))


async def preview(event: dict[str, Any], filename: str, content: bytes, send_mails: bool, actor: CurrentUser,
                  now: datetime) -> ImportPreview:
    """Reads and judges the file, and keeps it for the commit; writes no registration."""
    table = read_table(filename, content)
    mapped, unknown = _columns(table[0], await registration.questions_of(event["id"]))
    rows = _parsed_rows(table, mapped)
    await _judge(event, rows, now)
    record = ParticipantImport(event=event["id"], created_by=actor.id, filename=filename[:200], send_mails=send_mails,
                               rows=json.dumps([asdict(r) for r in rows], ensure_ascii=False),
                               unknown_columns=json.dumps(unknown, ensure_ascii=False), created_at=now)
    await record.save()
    return ImportPreview(record.id, rows, unknown, send_mails)


async def stored_preview(event: dict[str, Any], import_id: int, now: datetime) -> ImportPreview:
    record = await _record(event, import_id)
    rows = [ImportRow(**{**r, "errors": {}, "notes": [], "outcome": None}) for r in json.loads(record["rows"])]
    await _judge(event, rows, now)
    return ImportPreview(record["id"], rows, json.loads(record["unknown_columns"] or "[]"), record["send_mails"])


async def _record(event: dict[str, Any], import_id: int) -> dict[str, Any]:
    record = await ParticipantImport.select().where(
        (ParticipantImport.id == import_id) & (ParticipantImport.event == event["id"])
    ).first()
    if record is None:
        raise NotFound(NOT_FOUND)
    if record["committed_at"] is not None:
        raise Conflict(DONE)
    return record


async def commit(event: dict[str, Any], import_id: int, links: ManageLinks, actor: CurrentUser, now: datetime,
                 send_mails: bool | None = None) -> dict[str, Any]:
    """Registers the rows without problems, in one transaction with the import's own record and audit entry.
    `send_mails` overrides the choice made at the upload (the preview page asks again).
    Returns the counts by status, and the lines left out with their reasons."""
    async with write_transaction(ParticipantImport._meta.db):
        current = await stored_preview(event, import_id, now)
        if send_mails is not None:
            current.send_mails = send_mails
        good = [row for row in current.rows if row.outcome]
        results = await registration.register_batch(
            [(event["slug"], _applicant(row), now) for row in good], links, send_mails=current.send_mails
        )
        counts: dict[str, Any] = {"refused": [{"line": r.line, "errors": r.errors} for r in current.rows if not r.outcome]}
        for row, result in zip(good, results, strict=True):
            if isinstance(result, Exception):
                counts["refused"].append({"line": row.line, "errors": {"row": getattr(result, "message", str(result))}})
            else:
                counts[str(result.status)] = counts.get(str(result.status), 0) + 1
        await ParticipantImport.update({
            ParticipantImport.committed_at: now, ParticipantImport.rows: "[]",
            ParticipantImport.result: json.dumps(counts, ensure_ascii=False),
            ParticipantImport.send_mails: current.send_mails,
        }).where(ParticipantImport.id == import_id)
        summary = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "refused")
        await audit.record("registrations.import", now, actor=actor, organisation_id=event.get("organisation"),
                           event_id=event["id"], subject=f"import {import_id}",
                           detail=f"{summary}; refused {len(counts['refused'])}; mails {'on' if current.send_mails else 'off'}")
    return counts


@dataclass
class ImportSummary:
    id: int
    filename: str
    created_at: datetime
    created_by: int | None
    send_mails: bool
    committed_at: datetime | None
    result: dict[str, Any] | None  # the commit's counts and refused lines; None before the commit


def _summary(record: dict[str, Any]) -> ImportSummary:
    result = json.loads(record["result"]) if record["committed_at"] is not None and record["result"] else None
    return ImportSummary(record["id"], record["filename"], record["created_at"], record["created_by"], record["send_mails"],
                         record["committed_at"], result)


SUMMARY_COLUMNS = (ParticipantImport.id, ParticipantImport.filename, ParticipantImport.created_at,
                   ParticipantImport.created_by, ParticipantImport.send_mails, ParticipantImport.committed_at,
                   ParticipantImport.result)


async def imports_of(event: dict[str, Any], offset: int = 0, limit: int | None = None) -> tuple[list[ImportSummary], int]:
    """One page of the event's imports, newest first (without their rows), and how many there are."""
    where = ParticipantImport.event == event["id"]
    query = ParticipantImport.select(*SUMMARY_COLUMNS).where(where).order_by(ParticipantImport.id, ascending=False)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_summary(r) for r in await query], await ParticipantImport.count().where(where)


async def import_of(event: dict[str, Any], import_id: int, now: datetime) -> tuple[ImportSummary, ImportPreview | None]:
    """One import of the event: its summary and, until it is committed, its rows judged as a commit would now."""
    record = await ParticipantImport.select(*SUMMARY_COLUMNS).where(
        (ParticipantImport.id == import_id) & (ParticipantImport.event == event["id"])
    ).first()
    if record is None:
        raise NotFound(NOT_FOUND)
    summary = _summary(record)
    return summary, (None if summary.committed_at else await stored_preview(event, import_id, now))
