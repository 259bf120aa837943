"""Webhooks: endpoints (`endpoints`), what the domains emit into the delivery outbox (`emitting`), delivery
(`delivery`) and the delivery log (`log`). Callers write `from events.webhooks import service as webhooks`."""

from events.webhooks.service.delivery import WebhookDeliverer, cloud_event
from events.webhooks.service.emitting import (
    Happening,
    about_event,
    about_registration,
    emit,
    emit_all,
    emit_for,
    event_data,
    queue_ping,
    registration_data,
)
from events.webhooks.service.endpoints import (
    SUBSCRIBABLE,
    create_endpoint,
    delete_endpoint,
    endpoint_of,
    endpoints_of,
    secret_for,
    update_endpoint,
)
from events.webhooks.service.log import MAX_PER_PAGE, deliveries_of, delivery_of, redeliver
from events.webhooks.tables import EventType

__all__ = [
    "MAX_PER_PAGE",
    "SUBSCRIBABLE",
    "EventType",
    "Happening",
    "WebhookDeliverer",
    "about_event",
    "about_registration",
    "cloud_event",
    "create_endpoint",
    "delete_endpoint",
    "deliveries_of",
    "delivery_of",
    "emit",
    "emit_all",
    "emit_for",
    "endpoint_of",
    "endpoints_of",
    "event_data",
    "queue_ping",
    "redeliver",
    "registration_data",
    "secret_for",
    "update_endpoint",
]
