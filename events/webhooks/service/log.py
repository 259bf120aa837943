"""The delivery log of an endpoint (newest first, paginated) and redelivery."""

from __future__ import annotations

from datetime import datetime

from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.webhooks.rows import DeliveryRow
from events.webhooks.tables import DeliveryStatus, WebhookDelivery

MAX_PER_PAGE = 200


async def deliveries_of(endpoint_id: int, page: int = 1, per_page: int = 25, status: str | None = None) -> tuple[list[DeliveryRow], int]:
    """One page of the endpoint's deliveries, newest first, and how many there are in all."""
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    where = WebhookDelivery.endpoint == endpoint_id
    if status:
        where &= WebhookDelivery.status == status
    total = await WebhookDelivery.count().where(where)
    rows = await WebhookDelivery.select().where(where).order_by(WebhookDelivery.id, ascending=False).limit(per_page).offset(
        (page - 1) * per_page
    )
    return [DeliveryRow.of(row) for row in rows], total


async def delivery_of(endpoint_id: int, delivery_id: int) -> DeliveryRow:
    row = await WebhookDelivery.select().where(
        (WebhookDelivery.id == delivery_id) & (WebhookDelivery.endpoint == endpoint_id)
    ).first()
    if row is None:
        raise NotFound(N_("No delivery with this number"))
    return DeliveryRow.of(row)


async def redeliver(endpoint_id: int, delivery_id: int, now: datetime) -> DeliveryRow:
    """Queues the same message (same id, same data) again, with a fresh day of retries."""
    await delivery_of(endpoint_id, delivery_id)
    await WebhookDelivery.update({
        WebhookDelivery.status: DeliveryStatus.QUEUED, WebhookDelivery.attempts: 0, WebhookDelivery.next_attempt_at: now,
        WebhookDelivery.created_at: now, WebhookDelivery.lease_until: None, WebhookDelivery.delivered_at: None,
    }).where(WebhookDelivery.id == delivery_id)
    return await delivery_of(endpoint_id, delivery_id)
