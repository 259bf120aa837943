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
