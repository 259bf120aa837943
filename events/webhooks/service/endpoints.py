"""Registering, changing and removing an organisation's webhook endpoints, and their signing secrets.

The secret is shown once, when the endpoint is made. It is not stored: the endpoint keeps a random nonce and the
secret is HMAC-SHA256(EVENTS_SECRET_KEY, nonce), in the Standard Webhooks form `whsec_<base64 of 32 bytes>`. The
deliverer derives it again to sign; a copy of the database alone does not let anyone forge messages. Changing
EVENTS_SECRET_KEY changes every endpoint's secret (rotate one by making a new endpoint).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.webhooks.rows import EndpointRow
from events.webhooks.tables import EventType, WebhookEndpoint

SUBSCRIBABLE = tuple(t for t in EventType if t != EventType.PING)
NOT_FOUND = N_("No webhook with this number")
MAX_URL_LENGTH = 2000


def secret_for(nonce: str, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), b"webhook-secret:" + nonce.encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(digest).decode()


def _checked_url(url: str, allow_private: bool) -> str:
    url = url.strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if allow_private else ("https",)
    if len(url) > MAX_URL_LENGTH or parts.scheme not in allowed or not parts.hostname:
        raise RuleViolation(
            N_("Give the full https:// address of the receiving endpoint"),
            {"url": N_("Give the full https:// address of the receiving endpoint")},
        )
    if parts.username or parts.password:
        raise RuleViolation(N_("The address may not hold a user name or password"),
                            {"url": N_("The address may not hold a user name or password")})
    return url


def _checked_types(types: Iterable[str]) -> str:
    chosen = [t.strip() for t in types if t.strip()]
    unknown = [t for t in chosen if t not in SUBSCRIBABLE]
    if unknown or not chosen:
        raise RuleViolation(N_("Choose one or more of the listed event types"),
                            {"event_types": N_("Choose one or more of the listed event types")})
    return " ".join(t for t in SUBSCRIBABLE if t in chosen)


async def create_endpoint(
    organisation_id: int, url: str, event_types: Iterable[str], description: str, *, actor: CurrentUser,
    now: datetime, secret_key: str, allow_private: bool = False,
) -> tuple[EndpointRow, str]:
    """A new endpoint and its secret (the only time the secret is given out)."""
    nonce = secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        organisation=organisation_id, url=_checked_url(url, allow_private), event_types=_checked_types(event_types),
        description=description.strip()[:200], secret_nonce=nonce, active=True, created_at=now, updated_at=now,
    )
    await endpoint.save()
    await audit.record("webhooks.create", now, actor=actor, organisation_id=organisation_id,
                       subject=f"webhook {endpoint.id}", detail=urlsplit(endpoint.url).hostname or "")
    return await endpoint_of(organisation_id, endpoint.id), secret_for(nonce, secret_key)


async def endpoint_of(organisation_id: int, endpoint_id: int) -> EndpointRow:
    """One endpoint of this organisation; another organisation's is not found."""
    row = await WebhookEndpoint.select().where(
        (WebhookEndpoint.id == endpoint_id) & (WebhookEndpoint.organisation == organisation_id)
    ).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return EndpointRow.of(row)


async def endpoints_of(organisation_id: int) -> list[EndpointRow]:
    rows = await WebhookEndpoint.select().where(WebhookEndpoint.organisation == organisation_id).order_by(WebhookEndpoint.id)
    return [EndpointRow.of(row) for row in rows]


async def update_endpoint(
    organisation_id: int, endpoint_id: int, *, actor: CurrentUser, now: datetime, url: str | None = None,
    event_types: Iterable[str] | None = None, description: str | None = None, active: bool | None = None,
    allow_private: bool = False,
) -> EndpointRow:
    await endpoint_of(organisation_id, endpoint_id)
    values: dict = {WebhookEndpoint.updated_at: now}
    if url is not None:
        values[WebhookEndpoint.url] = _checked_url(url, allow_private)
    if event_types is not None:
        values[WebhookEndpoint.event_types] = _checked_types(event_types)
    if description is not None:
        values[WebhookEndpoint.description] = description.strip()[:200]
    if active is not None:
        values[WebhookEndpoint.active] = active
    await WebhookEndpoint.update(values).where(WebhookEndpoint.id == endpoint_id)
    await audit.record("webhooks.update", now, actor=actor, organisation_id=organisation_id, subject=f"webhook {endpoint_id}")
    return await endpoint_of(organisation_id, endpoint_id)


async def delete_endpoint(organisation_id: int, endpoint_id: int, *, actor: CurrentUser, now: datetime) -> None:
    """Removes the endpoint with its delivery log."""
    await endpoint_of(organisation_id, endpoint_id)
    await WebhookEndpoint.delete().where(WebhookEndpoint.id == endpoint_id)
    await audit.record("webhooks.delete", now, actor=actor, organisation_id=organisation_id, subject=f"webhook {endpoint_id}")
