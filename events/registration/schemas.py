"""API shapes of the registration domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class RegistrationIn(msgspec.Struct):
    name: str
    email: str
    organisation: str | None = None
    # Answers to the event's own questions, keyed by question id ("12" or "q12"): text, a choice, a list of
    # choices (multiple choice) or true/false (checkbox).
    answers: dict[str, Any] | None = None
    language: str | None = None


class RegistrationView(msgspec.Struct):
    id: int
    status: str  # confirmed | waitlisted | pending | cancelled | rejected
    position: int | None  # place on the waiting list
    token: str | None  # the manage token: only in the answer that created the registration
    manage_url: str | None


class RegistrationAnswer(msgspec.Struct):
    """What the holder of a manage token may read about their own registration."""

    id: int
    status: str
    position: int | None
    event_slug: str
    event_title: str
    name: str
    email: str
    organisation: str
    answers: dict[str, Any]
    checked_in: bool
    join_url: str | None  # only for a confirmed place at an online or hybrid event


class RegistrationListItem(msgspec.Struct):
    id: int
    status: str
    position: int | None
    name: str
    email: str
    organisation: str
    answers: dict[str, Any]
    registered_at: datetime | None
    checked_in_at: datetime | None


class AttendanceItem(msgspec.Struct):
    """One registration's attendance: online through the personal join link, onsite by check-in."""

    id: int
    name: str
    email: str
    status: str
    attended: bool  # joined online at least once, or checked in
    first_join_at: datetime | None
    last_join_at: datetime | None
    checked_in_at: datetime | None


class PromoteIn(msgspec.Struct):
    """`over_capacity`: give the place even when the event is full (the organiser adds a place)."""

    over_capacity: bool = False


class MoveIn(msgspec.Struct):
    target: str  # the slug of another published event of the same organisation


class LinkSent(msgspec.Struct):
    """The manage link went by mail; the answer never holds it."""

    sent_to: str
    message: str


class QuestionIn(msgspec.Struct):
    label: str
    kind: str  # text | choice | multiple | checkbox
    options: list[str] = []  # for choice and multiple: at least two
    required: bool = False


class QuestionOut(msgspec.Struct):
    id: int
    position: int
    label: str
    kind: str
    options: list[str]
    required: bool


class QuestionMove(msgspec.Struct):
    direction: str  # up | down
