"""Delivering the webhook outbox: claim due rows under a lease (as the mail deliverer does: an IMMEDIATE
transaction on SQLite, `FOR UPDATE SKIP LOCKED` on PostgreSQL), POST each as a CloudEvent in structured JSON mode,
signed per Standard Webhooks, and record the answer. A 2xx is delivered; anything else is retried with
exponential backoff (1, 2, 4 … minutes) for a day after the happening, then failed. An address that resolves to a
private host is failed at once (unless EVENTS_ALLOW_PRIVATE_TARGETS).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from piccolo.engine.base import Engine
from standardwebhooks import Webhook

from events.kernel.addresses import PrivateTarget, guarded_transport
from events.kernel.database import is_sqlite, write_transaction
from events.webhooks.service.endpoints import secret_for
from events.webhooks.tables import DeliveryStatus, WebhookDelivery

log = logging.getLogger("events.webhooks")

BACKOFF_BASE = timedelta(seconds=60)
RETRY_FOR = timedelta(days=1)
LEASE = timedelta(minutes=2)
USER_AGENT = "events-webhooks/1.0"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


def cloud_event(delivery: dict[str, Any], source: str) -> str:
    """The CloudEvents 1.0 structured-mode JSON of one delivery (the same text on every attempt)."""
    occurred = delivery["occurred_at"].astimezone(UTC).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {
            "specversion": "1.0", "id": delivery["message_id"], "source": source, "type": delivery["event_type"],
            "subject": delivery["subject"], "time": occurred, "datacontenttype": "application/json",
            "data": json.loads(delivery["data"]),
        },
        ensure_ascii=False, separators=(",", ":"),
    )


class WebhookDeliverer:
    """Claims due deliveries and sends them, several at once; safe to run in several processes."""

    def __init__(
        self, *, engine: Engine | None = None, secret_key: str, source: str, allow_private: bool = False, batch_size: int = 50,
        concurrency: int = 8, timeout: float = 10.0, backoff_base: timedelta = BACKOFF_BASE,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine = engine
        self.secret_key = secret_key
        self.source = source
        self.batch_size = batch_size
        self.gate = asyncio.Semaphore(concurrency)
        self.timeout = timeout
        self.backoff_base = backoff_base
        # The signature's timestamp is the real time of sending: receivers compare it with their own clocks.
        self.wall_clock = wall_clock
        self.allow_private = allow_private

    async def __call__(self, now: datetime) -> int:
        """A round job for the worker: deliver what is due. Returns how many were delivered."""
        delivered = 0
        while batch := await self.claim(now):
            transport = guarded_transport(self.allow_private)  # a client closes its transport: one per round
            async with httpx.AsyncClient(transport=transport, timeout=self.timeout, follow_redirects=False,
                                         headers={"user-agent": USER_AGENT}) as client:
                results = await asyncio.gather(*(self._attempt(client, row, now) for row in batch))
            delivered += sum(results)
        return delivered

    async def claim(self, now: datetime) -> list[dict[str, Any]]:
        due = ((WebhookDelivery.status == DeliveryStatus.QUEUED) & (WebhookDelivery.next_attempt_at <= now)) | (
            (WebhookDelivery.status == DeliveryStatus.SENDING) & (WebhookDelivery.lease_until < now)
        )
        if not await WebhookDelivery.exists().where(due):  # a read: an idle round takes no write lock
            return []
        async with write_transaction(self.engine or WebhookDelivery._meta.db):
            query = WebhookDelivery.select(WebhookDelivery.id).where(due).order_by(WebhookDelivery.id).limit(self.batch_size)
            if not is_sqlite(self.engine or WebhookDelivery._meta.db):
                query = query.lock_rows("UPDATE", skip_locked=True)
            ids = [row["id"] for row in await query]
            if not ids:
                return []
            await WebhookDelivery.update({
                WebhookDelivery.status: DeliveryStatus.SENDING, WebhookDelivery.lease_until: now + LEASE,
                WebhookDelivery.attempts: WebhookDelivery.attempts + 1,
            }).where(WebhookDelivery.id.is_in(ids))
        return await WebhookDelivery.select(
            WebhookDelivery.all_columns(),
            WebhookDelivery.endpoint.url.as_alias("url"), WebhookDelivery.endpoint.secret_nonce.as_alias("nonce"),
            WebhookDelivery.endpoint.active.as_alias("active"),
        ).where(WebhookDelivery.id.is_in(ids)).order_by(WebhookDelivery.id)

    def signed(self, row: dict[str, Any]) -> tuple[str, dict[str, str]]:
        body = cloud_event(row, self.source)
        sent_at = self.wall_clock()
        signature = Webhook(secret_for(row["nonce"], self.secret_key)).sign(row["message_id"], sent_at, body)
        headers = {
            "content-type": CONTENT_TYPE, "webhook-id": row["message_id"],
            "webhook-timestamp": str(int(sent_at.timestamp())), "webhook-signature": signature,
        }
        return body, headers

    async def _attempt(self, client: httpx.AsyncClient, row: dict[str, Any], now: datetime) -> bool:
        if not row["active"]:
            await self._record(row, now, None, "the endpoint is switched off", give_up=True)
            return False
        body, headers = self.signed(row)
        try:
            async with self.gate:
                response = await client.post(row["url"], content=body.encode(), headers=headers)
        except PrivateTarget as exc:
            await self._record(row, now, None, f"refused: {exc}", give_up=True)
            return False
        except (httpx.HTTPError, OSError, ValueError) as exc:
            await self._record(row, now, None, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__)
            return False
        if 200 <= response.status_code < 300:
            await self._record(row, now, response.status_code, "", delivered=True)
            return True
        await self._record(row, now, response.status_code, f"HTTP {response.status_code}")
        return False

    async def _record(
        self, row: dict[str, Any], now: datetime, code: int | None, error: str, *, delivered: bool = False,
        give_up: bool = False,
    ) -> None:
        values: dict = {WebhookDelivery.lease_until: None, WebhookDelivery.last_attempt_at: now,
                        WebhookDelivery.last_status_code: code, WebhookDelivery.last_error: error[:2000]}
        if delivered:
            values |= {WebhookDelivery.status: DeliveryStatus.DELIVERED, WebhookDelivery.delivered_at: now}
        else:
            log.warning("webhook delivery %s (%s): attempt %s failed: %s", row["id"], row["event_type"], row["attempts"], error)
            retry_at = now + self.backoff_base * (2 ** (row["attempts"] - 1))
            if give_up or retry_at > row["created_at"] + RETRY_FOR:
                values[WebhookDelivery.status] = DeliveryStatus.FAILED
            else:
                values |= {WebhookDelivery.status: DeliveryStatus.QUEUED, WebhookDelivery.next_attempt_at: retry_at}
        await WebhookDelivery.update(values).where(
            (WebhookDelivery.id == row["id"]) & (WebhookDelivery.status == DeliveryStatus.SENDING)
        )
