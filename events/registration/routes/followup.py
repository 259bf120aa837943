"""The organiser's follow-up page of an event: the switch, the delay and the texts for attendees and no-shows
(Dutch and English), a preview of each mail as a participant gets it, how many went, and "send now"; and the API's
`POST /api/events/{slug}/followup/send`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel.errors import RuleViolation
from events.kernel.i18n import LANGUAGES
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.registration import service
from events.registration.routes.dependencies import ManageLinksDep
from events.registration.service.links import ManageLinks
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.forms import translated

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
NO_STORE = {"cache-control": "no-store"}
SETTINGS_FIELDS = ("followup_enabled", "followup_delay_minutes", *(
    f"text_{audience}_{lang}" for audience in programme.AUDIENCES for lang in LANGUAGES
))


class FollowupSent(Struct):
    """What "send now" queued, and how many follow-up mails went to this event altogether."""

    queued: int
    attended: int
    no_show: int


async def _page(
    request: Request, event: dict[str, Any], links: ManageLinks, now: Any, values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None, status_code: int = 200, sent: int | None = None,
) -> Template:
    previews = {
        (audience, lang): await service.followup_preview(event, audience, lang, links, now)
        for audience in programme.AUDIENCES for lang in LANGUAGES
    }
    followup = programme.followup_of(event)
    return Template(
        "registration/followup.html",
        context={
            "event": event, "values": values or {**followup, "followup_enabled": followup["enabled"],
                                                 "followup_delay_minutes": followup["delay_minutes"]},
            "errors": translated(request, errors), "previews": previews, "placeholders": programme.FOLLOWUP_PLACEHOLDERS,
            "counts": await service.followup_counts(event["id"]), "ended": event["ends_at"] <= now, "sent": sent,
            "due_at": service.followup_due_at(event),
        },
        status_code=status_code, headers=NO_STORE,
    )


@get("/organiser/events/{slug:str}/followup", guards=[organiser_guard], name="registration:followup")
async def followup_page(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, manage_links: ManageLinksDep, slug: FromPath[str],
    sent: Annotated[int | None, QueryParameter(name="sent")] = None,
) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await _page(request, event, manage_links, clock.now(), sent=sent)


@post("/organiser/events/{slug:str}/followup", guards=[organiser_guard], name="registration:followup_save")
async def followup_save(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, manage_links: ManageLinksDep, slug: FromPath[str],
    data: FormBody,
) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    values = {name: data.get(name, "") for name in SETTINGS_FIELDS}
    try:
        await programme.update_event(event, values, clock.now())
    except RuleViolation as exc:
        return await _page(request, event, manage_links, clock.now(), values, exc.errors, status_code=400)
    return Redirect(path=f"/organiser/events/{slug}/followup", status_code=303)


@post("/organiser/events/{slug:str}/followup/send", guards=[organiser_guard], name="registration:followup_send")
async def followup_send(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, manage_links: ManageLinksDep, slug: FromPath[str],
) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        queued = await service.send_followup_now(event, manage_links, clock.now())
    except RuleViolation as exc:
        return await _page(request, event, manage_links, clock.now(), errors=exc.errors, status_code=exc.status_code)
    return Redirect(path=f"/organiser/events/{slug}/followup?sent={queued}", status_code=303)


@post(
    "/api/events/{slug:str}/followup/send", tags=["registration"], guards=[organiser_guard], status_code=200,
    summary="Send the follow-up mail now", name="api:followup_send", security=[{"BearerToken": []}],
)
async def api_followup_send(
    current_user: CurrentUserDep, clock: ClockDep, manage_links: ManageLinksDep, slug: FromPath[str]
) -> FollowupSent:
    """Queues the follow-up mail for every confirmed registration that has not had it (attendees one text,
    no-shows the other; never twice), also when the automatic follow-up is switched off. 409 before the event has
    ended or for a cancelled event; editors and owners only."""
    event = await programme.event_for_organiser(slug, current_user)
    queued = await service.send_followup_now(event, manage_links, clock.now())
    counts = await service.followup_counts(event["id"])
    return FollowupSent(queued=queued, attended=counts["attended"], no_show=counts["no_show"])


ROUTES = [followup_page, followup_save, followup_send, api_followup_send]
