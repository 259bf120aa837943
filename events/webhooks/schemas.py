"""API shapes of the webhooks domain."""

from __future__ import annotations

from datetime import datetime

import msgspec


class Problem(msgspec.Struct):
    """An RFC 9457 problem (application/problem+json); `errors` names the failing fields."""

    type: str
    title: str
    status: int
    detail: str


class WebhookIn(msgspec.Struct):
    url: str
    event_types: list[str]
    description: str = ""


class WebhookPatch(msgspec.Struct):
    url: str | msgspec.UnsetType = msgspec.UNSET
    event_types: list[str] | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class WebhookOut(msgspec.Struct):
    id: int
    url: str
    description: str
    event_types: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str  # `whsec_…`: shown only in this answer; verify the signatures with it


class DeliveryOut(msgspec.Struct):
    id: int
    message_id: str  # the `webhook-id` header and the CloudEvent's id
    event_type: str
    subject: str
    status: str  # queued | sending | delivered | failed
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None  # the receiver's HTTP answer; None when none came
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class DeliveryPage(msgspec.Struct):
    items: list[DeliveryOut]
    total: int
    page: int
    per_page: int


class PingOut(msgspec.Struct):
    message_id: str
