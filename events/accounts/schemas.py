"""API shapes of the accounts domain."""

from __future__ import annotations

from datetime import datetime

import msgspec


class Me(msgspec.Struct):
    id: int
    email: str
    name: str
    role: str


class TokenCreate(msgspec.Struct):
    label: str = msgspec.field(default="")


class TokenCreated(msgspec.Struct):
    id: int
    label: str
    token: str  # shown once


class TokenInfo(msgspec.Struct):
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
