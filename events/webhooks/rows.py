"""Typed rows the webhooks domain hands to routes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.webhooks.tables import EventType


@dataclass(frozen=True)
class EndpointRow:
    id: int
    organisation_id: int
    url: str
    description: str
    event_types: tuple[EventType, ...]
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> EndpointRow:
        return cls(
            id=row["id"], organisation_id=row["organisation"], url=row["url"], description=row["description"],
            event_types=tuple(EventType(t) for t in row["event_types"].split() if t in EventType.__members__.values()),
            active=row["active"], created_at=row["created_at"],
        )


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    endpoint_id: int
    message_id: str
    event_type: str
    subject: str
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> DeliveryRow:
        values = {name: row.get(name) for name in cls.__dataclass_fields__ if name != "endpoint_id"}
        return cls(endpoint_id=row["endpoint"], **values)
