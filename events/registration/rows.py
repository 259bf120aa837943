"""Typed rows that leave the registration service: for its routes and templates, and for other domains (materials
reads a registration by its manage token)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.registration.tables import QuestionKind, RegistrationStatus


def decoded_answers(row: Mapping[str, Any]) -> dict[str, Any]:
    """The stored answers (JSON) of a registration row: {question id: value}; {} when unreadable."""
    try:
        value = json.loads(row.get("answers") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class RegistrationRow:
    """One registration as pages, answers and other domains see it (never the manage token or its nonce)."""

    id: int
    event_id: int
    name: str
    email: str
    organisation: str
    language: str
    status: RegistrationStatus
    answers: dict[str, Any]  # question id (str) -> text, a choice, a list of choices or true/false
    token_hash: str  # what the personal feed's key is derived from
    created_at: datetime | None
    queued_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    position: int | None = None  # place on the waiting list, when the reader asked for it

    @classmethod
    def from_row(cls, row: Mapping[str, Any], position: int | None = None) -> RegistrationRow:
        return cls(
            id=row["id"],
            event_id=row["event"],
            name=row["name"],
            email=row["email"],
            organisation=row.get("organisation") or "",
            language=row.get("language") or "nl",
            status=RegistrationStatus(row["status"]),
            answers=decoded_answers(row),
            token_hash=row["token_hash"],
            created_at=row.get("created_at"),
            queued_at=row.get("queued_at"),
            cancelled_at=row.get("cancelled_at"),
            checked_in_at=row.get("checked_in_at"),
            position=position,
        )


@dataclass(frozen=True)
class QuestionRow:
    """A question of the event's registration form."""

    id: int
    event_id: int
    position: int
    label: str
    kind: QuestionKind
    options: str  # as the organiser typed them, one per line
    required: bool
    choices: list[str]  # the options, trimmed, without empty lines

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        """(value, label) pairs for a select box."""
        return [(choice, choice) for choice in self.choices]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> QuestionRow:
        return cls(
            id=row["id"],
            event_id=row["event"],
            position=row["position"],
            label=row["label"],
            kind=QuestionKind(row["kind"]),
            options=row["options"],
            required=bool(row["required"]),
            choices=[line.strip() for line in row["options"].splitlines() if line.strip()],
        )


@dataclass
class Outcome:
    """The answer to one registration request."""

    id: int
    status: RegistrationStatus
    position: int | None
    token: str | None  # only when this request created the registration
    manage_url: str | None
    created: bool
    event_slug: str
    event_id: int
