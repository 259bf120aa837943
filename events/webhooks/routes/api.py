"""The webhooks API of an organisation (owners only: endpoints, their secrets and delivery logs)."""

from __future__ import annotations

from litestar import Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET

from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.pagination import PAGE_HEADERS, PagingDep
from events.webhooks import service
from events.webhooks.rows import DeliveryRow, EndpointRow
from events.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    PingOut,
    Problem,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)

TAGS = ["webhooks"]
BASE = "/api/organisations/{slug:str}/webhooks"
SECURITY = [{"BearerToken": []}]
REFUSALS = {
    403: ResponseSpec(Problem, description="You are not an owner of this organisation"),
    404: ResponseSpec(Problem, description="No such organisation (of yours), webhook or delivery"),
}
INVALID = {400: ResponseSpec(Problem, description="Not an https address, or an unknown event type"), **REFUSALS}


def webhook_out(endpoint: EndpointRow) -> WebhookOut:
    return WebhookOut(id=endpoint.id, url=endpoint.url, description=endpoint.description,
                      event_types=[str(t) for t in endpoint.event_types], active=endpoint.active,
                      created_at=endpoint.created_at)


def delivery_out(delivery: DeliveryRow) -> DeliveryOut:
    return DeliveryOut(**{name: getattr(delivery, name) for name in DeliveryOut.__struct_fields__})


async def _owned(current_user, slug: str) -> int:
    return (await organisations.organisation_for(current_user, slug, OrgRole.OWNER)).organisation.id


@get(BASE, guards=[organiser_guard], tags=TAGS, security=SECURITY, responses=REFUSALS,
     summary="The organisation's webhooks (owners)", response_headers=PAGE_HEADERS)
async def api_webhooks(
    paging: PagingDep, slug: FromPath[str], current_user: CurrentUserDep,
) -> Response[list[WebhookOut]]:
    return paging.answer_all([webhook_out(e) for e in await service.endpoints_of(await _owned(current_user, slug))])


@post(BASE, guards=[organiser_guard], tags=TAGS, security=SECURITY, responses=INVALID, status_code=201,
      summary="Register a webhook (owners); the answer holds its signing secret, shown only this once")
async def api_create_webhook(
    slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep, data: JSONBody[WebhookIn]
) -> WebhookCreated:
    endpoint, secret = await service.create_endpoint(
        await _owned(current_user, slug), data.url, data.event_types, data.description, actor=current_user,
        now=clock.now(), secret_key=settings.secret_key, allow_private=settings.allow_private_targets,
    )
    return WebhookCreated(**{n: getattr(webhook_out(endpoint), n) for n in WebhookOut.__struct_fields__}, secret=secret)


@get(BASE + "/{webhook_id:int}", guards=[organiser_guard], tags=TAGS, security=SECURITY, responses=REFUSALS,
     summary="One webhook (owners)")
async def api_webhook(slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep) -> WebhookOut:
    return webhook_out(await service.endpoint_of(await _owned(current_user, slug), webhook_id))


@patch(BASE + "/{webhook_id:int}", guards=[organiser_guard], tags=TAGS, security=SECURITY, responses=INVALID,
       summary="Change a webhook's address, event types, description, or switch it off or on (owners)")
async def api_update_webhook(
    slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    settings: SettingsDep, data: JSONBody[WebhookPatch],
) -> WebhookOut:
    given = {n: v for n in WebhookPatch.__struct_fields__ if (v := getattr(data, n)) is not UNSET}
    endpoint = await service.update_endpoint(
        await _owned(current_user, slug), webhook_id, actor=current_user, now=clock.now(),
        allow_private=settings.allow_private_targets, **given,
    )
    return webhook_out(endpoint)


@delete(BASE + "/{webhook_id:int}", guards=[organiser_guard], tags=TAGS, security=SECURITY, responses=REFUSALS,
        status_code=204, summary="Remove a webhook and its delivery log (owners)")
async def api_delete_webhook(slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> None:
    await service.delete_endpoint(await _owned(current_user, slug), webhook_id, actor=current_user, now=clock.now())


@get(BASE + "/{webhook_id:int}/deliveries", response_headers=PAGE_HEADERS,
     guards=[organiser_guard], tags=TAGS, security=SECURITY,
     responses=REFUSALS, summary="The webhook's delivery log, newest first: status, times, the receiver's answer code")
async def api_deliveries(
    slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, paging: PagingDep,
    status: FromQuery[str | None] = None,
) -> Response[DeliveryPage]:
    """The envelope `{items, total, page, per_page}` is kept for existing clients; the headers say the same."""
    endpoint = await service.endpoint_of(await _owned(current_user, slug), webhook_id)
    rows, total = await service.deliveries_of(endpoint.id, paging.page, paging.per_page, status)
    page = DeliveryPage(items=[delivery_out(r) for r in rows], total=total, page=paging.page, per_page=paging.per_page)
    return paging.answer(page, total)


@post(BASE + "/{webhook_id:int}/deliveries/{delivery_id:int}/redeliver", guards=[organiser_guard], tags=TAGS,
      security=SECURITY, responses=REFUSALS, status_code=202,
      summary="Send a delivery again (same message id and data), with a fresh day of retries (owners)")
async def api_redeliver(
    slug: FromPath[str], webhook_id: FromPath[int], delivery_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> DeliveryOut:
    endpoint = await service.endpoint_of(await _owned(current_user, slug), webhook_id)
    return delivery_out(await service.redeliver(endpoint.id, delivery_id, clock.now()))


@post(BASE + "/{webhook_id:int}/ping", guards=[organiser_guard], tags=TAGS, security=SECURITY, responses=REFUSALS,
      status_code=202, summary="Queue a `webhook.ping` message to this webhook, to test the receiver (owners)")
async def api_ping(slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> PingOut:
    organisation_id = await _owned(current_user, slug)
    endpoint = await service.endpoint_of(organisation_id, webhook_id)
    return PingOut(message_id=await service.queue_ping(endpoint.id, organisation_id, clock.now()))


ROUTES = [api_webhooks, api_create_webhook, api_webhook, api_update_webhook, api_delete_webhook, api_deliveries,
          api_redeliver, api_ping]
