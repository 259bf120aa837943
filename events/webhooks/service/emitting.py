"""What the domains call when something happens that webhooks report: inside the transaction of the change, one
delivery row per subscribed endpoint of the event's organisation (nothing at all when it has none). The row is
the outbox: it commits or rolls back with the change, and the worker delivers it later, so a slow or failing
receiver never slows the change itself.

Data is minimal: identifiers, statuses and times, the participant's name, e-mail and organisation only where the
event type is about a new registration, and never an event's join URL.

The hook for `evaluation.answered` (for the evaluation's domain to call when a participant answers):

    await webhooks.emit(EventType.EVALUATION_ANSWERED, event_row, now, subject=f"evaluations/{id}",
                        data={"evaluation": {"id": id}, **webhooks.event_data(event_row)})
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from events.kernel.database import insert_rows, read_rows
from events.webhooks.tables import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class Happening:
    """One thing that happened, for the webhooks of `organisation_id`."""

    event_type: EventType
    organisation_id: int | None
    subject: str
    data: Mapping[str, Any] = field(default_factory=dict)


def event_data(event: Mapping[str, Any]) -> dict[str, Any]:
    """What every message about an event says of it (never its join URL)."""
    starts_at = event.get("starts_at")
    ends_at = event.get("ends_at")
    return {
        "event": {
            "id": event["id"], "slug": event["slug"], "title": event.get("title", ""),
            "status": str(event.get("status", "")), "format": str(event.get("format", "")),
            "starts_at": starts_at.isoformat() if starts_at else None,
            "ends_at": ends_at.isoformat() if ends_at else None,
        }
    }


def registration_data(event: Mapping[str, Any], registration: Mapping[str, Any], personal: bool = False) -> dict[str, Any]:
    """A registration's message: its id and status; name, e-mail and organisation only when `personal`."""
    about: dict[str, Any] = {"id": registration["id"], "status": str(registration["status"])}
    if personal:
        about |= {"name": registration.get("name", ""), "email": registration.get("email", ""),
                  "organisation": registration.get("organisation", "")}
    if registration.get("checked_in_at") is not None:
        about["checked_in_at"] = registration["checked_in_at"].isoformat()
    return {"registration": about, **event_data(event)}


def about_event(event_type: EventType, event: Mapping[str, Any], **extra: Any) -> Happening:
    return Happening(event_type, event.get("organisation"), f"events/{event['slug']}", {**event_data(event), **extra})


def about_registration(event_type: EventType, event: Mapping[str, Any], registration: Mapping[str, Any]) -> Happening:
    personal = event_type == EventType.REGISTRATION_CREATED
    return Happening(
        event_type, event.get("organisation"), f"registrations/{registration['id']}",
        registration_data(event, registration, personal),
    )


async def emit(event_type: EventType, event: Mapping[str, Any], now: datetime, **extra: Any) -> int:
    """Reports one happening about this event (a row of programme_event) to its organisation's webhooks."""
    return await emit_all([about_event(event_type, event, **extra)], now)


async def emit_all(happenings: Iterable[Happening], now: datetime) -> int:
    """Writes the delivery rows for these happenings (call it inside the change's transaction). Returns how many."""
    happenings = [h for h in happenings if h.organisation_id is not None]
    if not happenings:
        return 0
    endpoints = await _active_endpoints({h.organisation_id for h in happenings})
    return await _write_deliveries(happenings, endpoints, now)


async def emit_for(organisation_id: int | None, happenings: Iterable[Happening], now: datetime) -> int:
    """`emit_all` for happenings of one organisation, which may be a generator: it is consumed only when the
    organisation has an active endpoint, so a registration batch builds no messages nobody subscribed to."""
    if organisation_id is None:
        return 0
    endpoints = await _active_endpoints({organisation_id})
    return await _write_deliveries(happenings, endpoints, now) if endpoints else 0


_ACTIVE_ENDPOINTS = (
    f"SELECT id, organisation, event_types FROM {WebhookEndpoint._meta.tablename} "
    "WHERE active = {} AND organisation IN ({})"
)


async def _active_endpoints(organisations: set[int]) -> list[dict[str, Any]]:
    """The active endpoints of these organisations. Written out: every registration batch asks."""
    ids = sorted(organisations)
    sql = _ACTIVE_ENDPOINTS.format("{}", ", ".join("{}" for _id in ids))
    return await read_rows(sql, True, *ids)


async def _write_deliveries(happenings: Iterable[Happening], endpoints: list[dict[str, Any]], now: datetime) -> int:
    if not endpoints:
        return 0
    subscribed = [(endpoint["id"], endpoint["organisation"], endpoint["event_types"].split()) for endpoint in endpoints]
    rows = [
        _delivery(endpoint_id, happening, now)
        for happening in happenings
        for endpoint_id, organisation_id, event_types in subscribed
        if organisation_id == happening.organisation_id and happening.event_type in event_types
    ]
    if rows:
        await insert_rows(WebhookDelivery, rows, returning=())
    return len(rows)


def _delivery(endpoint_id: int, happening: Happening, now: datetime, message_id: str | None = None) -> dict[str, Any]:
    """A delivery row's column values (a mapping: `insert_rows` takes it as it is, where a Table instance costs
    tens of microseconds to make)."""
    return {
        "endpoint": endpoint_id, "message_id": message_id or f"msg_{uuid.uuid4().hex}",
        "event_type": happening.event_type, "subject": happening.subject[:200],
        "data": json.dumps(happening.data, ensure_ascii=False, default=str), "occurred_at": now,
        "status": DeliveryStatus.QUEUED, "attempts": 0, "next_attempt_at": now, "created_at": now,
    }


async def queue_ping(endpoint_id: int, organisation_id: int, now: datetime) -> str:
    """A test message to one endpoint; returns its message id."""
    row = _delivery(endpoint_id, Happening(EventType.PING, organisation_id, "webhooks/ping", {"ping": True}), now)
    await insert_rows(WebhookDelivery, [row], returning=())
    return row["message_id"]
