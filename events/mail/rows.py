"""Typed rows of the outbox that leave the mail domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FailedMessage:
    """A message that could not be delivered, as the organiser's mail page lists it."""

    id: int
    kind: str
    to_address: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime | None
