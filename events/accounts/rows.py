"""Typed rows the accounts domain hands to its routes and to other domains (the signed-in user is CurrentUser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Profile:
    """A user as others see and edit them: name, organisation and biography, with their role and state."""

    id: int
    email: str
    name: str
    organisation: str
    bio: str
    role: str
    active: bool


@dataclass(frozen=True)
class ApiTokenInfo:
    """One of a user's API tokens as they may see it: never the token, only when it was made and used."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
