"""The attendee list as a spreadsheet for Excel, one column per question of the event; every export is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts.service import CurrentUser
from events.kernel.i18n import N_, gettext_for
from events.kernel.spreadsheet import excel_csv
from events.registration.rows import QuestionRow, RegistrationRow
from events.registration.service import audit
from events.registration.service.queries import questions_of, registrations_of
from events.registration.tables import AuditAction, QuestionKind

COLUMNS = (
    N_("Number"), N_("Status"), N_("Name"), N_("E-mail address"), N_("Organisation"), N_("Registered at"),
    N_("Checked in at"),
)


async def export_csv(event: dict[str, Any], user: CurrentUser, now: datetime, language: str = "nl") -> bytes:
    """The attendee list as CSV for Excel (see `events.kernel.spreadsheet`); audited."""
    questions = await questions_of(event["id"])
    rows = await registrations_of(event["id"])
    header = [*(gettext_for(language, column) for column in COLUMNS), *(q.label for q in questions)]
    body = excel_csv([header, *(_cells(row, questions, language) for row in rows)])
    await audit.record(now, AuditAction.EXPORT, f"CSV export of {len(rows)} registrations", user=user, event_id=event["id"])
    return body


async def list_for_organiser(
    event: dict[str, Any], user: CurrentUser, now: datetime, status: str | None = None, search: str = ""
) -> list[RegistrationRow]:
    """The attendee list as the API hands it out: an export like the CSV one, so audited the same way."""
    rows = await registrations_of(event["id"], status, search)
    await audit.record(now, AuditAction.EXPORT, f"API list of {len(rows)} registrations", user=user, event_id=event["id"])
    return rows


def _cells(row: RegistrationRow, questions: list[QuestionRow], language: str) -> list[Any]:
    return [
        row.id, gettext_for(language, row.status), row.name, row.email, row.organisation, _moment(row.created_at),
        _moment(row.checked_in_at), *(_answer_text(q, row.answers.get(str(q.id)), language) for q in questions),
    ]


def _moment(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _answer_text(question: QuestionRow, value: Any, language: str) -> str:
    if question.kind == QuestionKind.CHECKBOX:
        return gettext_for(language, "yes") if value else gettext_for(language, "no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
