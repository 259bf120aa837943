"""Answering the evaluation: who may (a confirmed registration of a published event that has begun, which attended
or whose event lets no-shows answer), checking the answers, and storing them once.

"Once" is the `Answered` marker's UNIQUE registration: the marker, the response and the webhook's delivery row go
in one write transaction, so of two concurrent submissions the second fails on the marker and leaves nothing. An
anonymous response has no registration, no name and no time (see tables.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from events.evaluation.rows import QuestionRow
from events.evaluation.service.questions import form_of, questions_of
from events.evaluation.tables import Answered, QuestionKind, Response
from events.kernel.database import UNIQUE_VIOLATIONS, write_transaction
from events.kernel.errors import Conflict, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters
from events.programme.tables import EventStatus
from events.registration import service as registration
from events.registration.rows import RegistrationRow
from events.registration.tables import Registration, RegistrationStatus
from events.webhooks import service as webhooks

OPEN_MAX = 2000
ALREADY = N_("You have already filled in this evaluation. Thank you!")


async def attended(registration_id: int) -> bool:
    """Whether the participant came: joined online through their personal link, or was checked in."""
    row = await Registration.select(Registration.first_join_at, Registration.checked_in_at).where(
        Registration.id == registration_id
    ).first()
    return bool(row) and registration.attended(row)


async def has_answered(registration_id: int) -> bool:
    return await Answered.exists().where(Answered.registration == registration_id)


async def closed_reason(event: dict[str, Any], row: RegistrationRow, now: datetime) -> str | None:
    """Why this registration cannot answer now (a message), or None when it may."""
    if row.status != RegistrationStatus.CONFIRMED or event["status"] != EventStatus.PUBLISHED:
        return N_("Only participants with a confirmed place can fill in the evaluation.")
    if now < event["starts_at"]:
        return N_("The evaluation opens when the event begins.")
    if not await questions_of(event["id"]):
        return N_("This event has no evaluation.")
    if not (await form_of(event["id"]))["no_shows_may_answer"] and not await attended(row.id):
        return N_("The evaluation is for participants who attended the event.")
    return None


def clean_answers(questions: list[QuestionRow], data: Any) -> dict[str, Any]:
    """{question key: value} from the form, or RuleViolation with a message per field (`q_<key>`)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = str(data.get(question.field) or "").strip()
        if not raw:
            if question.required:
                errors[question.field] = N_("Answer this question")
            continue
        if question.kind == QuestionKind.SCALE:
            if raw not in ("1", "2", "3", "4", "5"):
                errors[question.field] = N_("Choose a number from 1 to 5")
                continue
            values[question.key] = int(raw)
        elif question.kind == QuestionKind.CHOICE:
            if not (raw.isascii() and raw.isdigit() and int(raw) < len(question.options_nl)):
                errors[question.field] = N_("Choose one of the options")
                continue
            values[question.key] = int(raw)
        else:
            if len(raw) > OPEN_MAX or has_control_characters(raw, multiline=True):
                errors[question.field] = N_("At most 2000 characters")
                continue
            values[question.key] = raw
    if errors:
        raise RuleViolation(N_("Not every answer is filled in correctly"), errors)
    return values


async def answer(event: dict[str, Any], row: RegistrationRow, data: Any, consent: bool, now: datetime) -> None:
    """Store the answers once; Conflict when this registration has answered before (also in a race)."""
    reason = await closed_reason(event, row, now)
    if reason:
        raise RuleViolation(reason, status_code=403)
    values = clean_answers(await questions_of(event["id"]), data)
    about: dict[str, Any] = {"anonymous": not consent}
    if consent:
        about["registration"] = {"id": row.id}
    happening = webhooks.Happening(
        webhooks.EventType.EVALUATION_ANSWERED, event.get("organisation"), f"events/{event['slug']}/evaluation",
        {**webhooks.event_data(event), "evaluation": about},
    )
    try:
        async with write_transaction(Answered._meta.db):
            await Answered.insert(Answered(registration=row.id, event=event["id"], answered_at=now))
            await Response.insert(Response(
                event=event["id"], answers=json.dumps(values, ensure_ascii=False),
                registration=row.id if consent else None, name=row.name if consent else None,
            ))
            await webhooks.emit_all([happening], now)
    except UNIQUE_VIOLATIONS:
        raise Conflict(ALREADY) from None
