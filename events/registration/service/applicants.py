"""Who may register and with what: whether registering is open now, and the applicant's details and answers to
the event's own questions, checked field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import (
    CONTROL_CHARACTERS_IN_FIELD,
    has_control_characters,
    normalise_email,
    valid_email,
)
from events.programme.tables import EventStatus
from events.registration.rows import QuestionRow
from events.registration.tables import QuestionKind

MAX_ANSWER_LENGTH = 1000
TICKED = (True, "on", "true", "1", "yes")


@dataclass
class Applicant:
    name: str
    email: str
    organisation: str = ""
    answers: dict[str, Any] = field(default_factory=dict)  # question id (str) -> value
    language: str | None = None


def registration_closed_reason(event: Mapping[str, Any], now: datetime) -> str | None:
    """Why registering is not possible now (an English msgid), or None when it is open."""
    if event["status"] == EventStatus.CANCELLED:
        return N_("This event has been cancelled.")
    if event["status"] != EventStatus.PUBLISHED:
        return N_("Registration for this event is not open.")
    if event["ends_at"] is not None and now >= event["ends_at"]:
        return N_("This event has already taken place.")
    opens, closes = event.get("registration_opens_at"), event.get("registration_closes_at")
    if opens is not None and now < opens:
        return N_("Registration has not opened yet.")
    if closes is not None and now >= closes:
        return N_("Registration is closed.")
    return None


def validate_applicant(applicant: Applicant, questions: list[QuestionRow]) -> dict[str, Any]:
    """The cleaned answers; raises RuleViolation (400) naming every failing field."""
    errors = _identity_errors(applicant)
    cleaned: dict[str, Any] = {}
    for question in questions:
        key = str(question.id)
        value, error = clean_answer(question, applicant.answers.get(key))
        cleaned[key] = value
        if error:
            errors[f"q{key}"] = error
    if errors:
        raise RuleViolation(N_("Please correct the marked fields."), errors=errors)
    return cleaned


def _identity_errors(applicant: Applicant) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = (applicant.name or "").strip()
    if not name:
        errors["name"] = N_("Enter your name.")
    elif has_control_characters(name):
        errors["name"] = CONTROL_CHARACTERS_IN_FIELD
    elif len(name) > 200:
        errors["name"] = N_("The name is too long (at most 200 characters).")
    email = normalise_email(applicant.email)
    if not email:
        errors["email"] = N_("Enter your e-mail address.")
    elif not valid_email(email):
        errors["email"] = N_("Enter a valid e-mail address, like name@example.nl.")
    if has_control_characters(applicant.organisation or ""):
        errors["organisation"] = CONTROL_CHARACTERS_IN_FIELD
    elif len((applicant.organisation or "").strip()) > 200:
        errors["organisation"] = N_("The organisation is too long (at most 200 characters).")
    return errors


def clean_answer(question: QuestionRow, raw: Any) -> tuple[Any, str | None]:
    """(the answer to store, the msgid of what is wrong with it or None)."""
    if question.kind == QuestionKind.CHECKBOX:
        ticked = raw in TICKED
        return ticked, N_("Tick this box to continue.") if question.required and not ticked else None
    if question.kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list) else ([raw] if raw else [])
        values = [str(v) for v in values if str(v).strip()]
        if any(v not in question.choices for v in values):
            return values, N_("Choose from the options given.")
        return values, N_("Choose at least one option.") if question.required and not values else None
    value = str(raw).strip() if isinstance(raw, str | int | float) else ""
    if question.required and not value:
        return value, N_("Answer this question.")
    if question.kind == QuestionKind.CHOICE and value and value not in question.choices:
        return value, N_("Choose from the options given.")
    if len(value) > MAX_ANSWER_LENGTH:
        return value, N_("The answer is too long (at most 1000 characters).")
    return value, None
