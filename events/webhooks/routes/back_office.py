"""The webhooks page of an organisation (owners): endpoints, a new one with its secret shown once, and each
endpoint's delivery log with a redeliver button."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel.errors import RuleViolation
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.forms import translated
from events.webhooks import service

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
BASE = "/organiser/organisations/{slug:str}/webhooks"


class WebhookForm(Struct):
    url: str = ""
    description: str = ""
    event_types: list[str] | str = []


async def _page(request: Request, mine, status: int = 200, **context) -> Template:
    organisation = mine.organisation
    return Template("webhooks/list.html", status_code=status, context={
        "organisation": organisation, "endpoints": await service.endpoints_of(organisation.id),
        "event_types": service.SUBSCRIBABLE, "errors": {}, "form": {}, "secret": None, **context,
    })


@get(BASE, guards=[organiser_guard], include_in_schema=False)
async def webhooks_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    return await _page(request, await organisations.organisation_for(current_user, slug, OrgRole.OWNER))


@post(BASE, guards=[organiser_guard], include_in_schema=False)
async def create_form(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[WebhookForm, FORM],
) -> Template:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    types = [data.event_types] if isinstance(data.event_types, str) else data.event_types
    try:
        endpoint, secret = await service.create_endpoint(
            mine.organisation.id, data.url, types, data.description, actor=current_user, now=clock.now(),
            secret_key=settings.secret_key, allow_private=settings.allow_private_targets,
        )
    except RuleViolation as refusal:
        return await _page(request, mine, refusal.status_code, errors=translated(request, refusal.errors),
                           form={"url": data.url, "description": data.description, "event_types": types})
    # The secret is in this answer only (no redirect: it must not travel in a URL or stay in a session).
    return await _page(request, mine, 201, secret=secret, created=endpoint)


@post(BASE + "/{webhook_id:int}/active", guards=[organiser_guard], include_in_schema=False)
async def switch_form(
    request: Request, slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> Redirect:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    endpoint = await service.endpoint_of(mine.organisation.id, webhook_id)
    await service.update_endpoint(mine.organisation.id, webhook_id, actor=current_user, now=clock.now(),
                                  active=not endpoint.active)
    return Redirect(path=f"/organiser/organisations/{slug}/webhooks", status_code=303)


@post(BASE + "/{webhook_id:int}/delete", guards=[organiser_guard], include_in_schema=False)
async def delete_form(slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    await service.delete_endpoint(mine.organisation.id, webhook_id, actor=current_user, now=clock.now())
    return Redirect(path=f"/organiser/organisations/{slug}/webhooks", status_code=303)


@get(BASE + "/{webhook_id:int}", guards=[organiser_guard], include_in_schema=False)
async def deliveries_page(
    slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, page: FromQuery[int] = 1,
) -> Template:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    endpoint = await service.endpoint_of(mine.organisation.id, webhook_id)
    page = max(1, page)
    rows, total = await service.deliveries_of(endpoint.id, page, 50)
    return Template("webhooks/deliveries.html", context={
        "organisation": mine.organisation, "endpoint": endpoint, "deliveries": rows, "total": total, "page": page,
        "pages": max(1, -(-total // 50)),
    })


@post(BASE + "/{webhook_id:int}/deliveries/{delivery_id:int}/redeliver", guards=[organiser_guard], include_in_schema=False)
async def redeliver_form(
    slug: FromPath[str], webhook_id: FromPath[int], delivery_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> Redirect:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    endpoint = await service.endpoint_of(mine.organisation.id, webhook_id)
    await service.redeliver(endpoint.id, delivery_id, clock.now())
    return Redirect(path=f"/organiser/organisations/{slug}/webhooks/{webhook_id}", status_code=303)


@post(BASE + "/{webhook_id:int}/ping", guards=[organiser_guard], include_in_schema=False)
async def ping_form(slug: FromPath[str], webhook_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    endpoint = await service.endpoint_of(mine.organisation.id, webhook_id)
    await service.queue_ping(endpoint.id, mine.organisation.id, clock.now())
    return Redirect(path=f"/organiser/organisations/{slug}/webhooks/{webhook_id}", status_code=303)


ROUTES = [webhooks_page, create_form, switch_form, delete_form, deliveries_page, redeliver_form, ping_form]
