"""Embeddable pages (framed on the hosts an organisation lists, without site header or footer, without cookies),
and their settings for owners: the page with the copy-paste snippets, and the API."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath, JSONBody
from litestar.response import Template
from msgspec import Struct

from events.embeds import service
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.registration import service as registration
from events.registration.desk import RegistrationDesk
from events.registration.routes.dependencies import form_context
from events.registration.routes.public import applicant_from_form
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.errors import TEXT_CHECKED_OPT
from events.web.headers import CONTENT_SECURITY_POLICY
from events.web.i18n import language_of

EMBED = {"csrf_free": True, "skip_session": True}
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
STALE_FORM = N_("This form has expired or did not come from us. Load the page again and try once more.")


def _framed(template: str, context: dict[str, Any], hosts: list[str], status: int = 200) -> Template:
    policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {service.frame_ancestors(hosts)}")
    return Template(template, context=context, status_code=status,
                    headers={"content-security-policy": policy, "cache-control": "no-store"})


@get("/embed/{organisation:str}/events", opt=EMBED, include_in_schema=False)
async def embedded_events(organisation: FromPath[str], clock: ClockDep) -> Template:
    found = await service.organisation_by_slug(organisation)
    events = [e for e in await programme.upcoming_events(clock.now()) if e["organisation"] == found["id"]]
    return _framed("embeds/events.html", {"organisation": found, "events": events}, await service.hosts_of(found["id"]))


async def _embeddable_event(slug: str) -> dict[str, Any]:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    return event


@get("/embed/events/{slug:str}/register", opt=EMBED, include_in_schema=False)
async def embedded_form(slug: FromPath[str], clock: ClockDep, settings: SettingsDep) -> Template:
    event = await _embeddable_event(slug)
    context = await form_context(event, clock.now())
    context |= {"action": f"/embed/events/{slug}/register", "embed_token": service.form_token(settings.secret_key, slug, clock.now())}
    return _framed("embeds/register.html", context, await service.hosts_of(event["organisation"]))


def _from_us(request: Request, base_url: str) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # older browsers send none on same-origin posts; the signed token still has to be right
    ours = urlsplit(base_url)
    return origin == f"{ours.scheme}://{ours.netloc}" or origin == f"{request.url.scheme}://{request.url.netloc}"


@post("/embed/events/{slug:str}/register", opt={**EMBED, **TEXT_CHECKED_OPT}, include_in_schema=False)
async def embedded_submit(
    request: Request, slug: FromPath[str], clock: ClockDep, settings: SettingsDep,
    registration_desk: NamedDependency[RegistrationDesk],
) -> Template:
    event = await _embeddable_event(slug)
    hosts = await service.hosts_of(event["organisation"])
    now = clock.now()
    form = await request.form()
    if not _from_us(request, settings.base_url) or not service.valid_form_token(
        settings.secret_key, slug, form.get("_embed_token", ""), now
    ):
        raise Forbidden(STALE_FORM)
    questions = await registration.questions_of(event["id"])
    applicant = applicant_from_form(form, questions, language_of(request))
    values = {key: (form.getall(key) if len(form.getall(key)) > 1 else form.get(key)) for key in form}
    try:
        outcome = await registration_desk.register(slug, applicant, now)
    except RuleViolation as exc:
        context = await form_context(event, now, values=values, errors=exc.errors)
        context |= {"message": exc.message, "action": f"/embed/events/{slug}/register",
                    "embed_token": service.form_token(settings.secret_key, slug, now)}
        return _framed("embeds/register.html", context, hosts, status=exc.status_code)
    # The personal link goes by mail only: the frame's page may be read by the site around it.
    return _framed("embeds/registered.html", {"event": event, "status": str(outcome.status), "created": outcome.created},
                   hosts, status=201 if outcome.created else 200)


class HostsForm(Struct):
    hosts: str = ""


def snippets(base_url: str, organisation_slug: str, events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    def frame(path: str, title: str) -> str:
        return (f'<iframe src="{base_url}{path}" title="{title}" width="100%" height="700" '
                f'style="border:0" loading="lazy"></iframe>')

    found = [(N_("Upcoming events"), frame(f"/embed/{organisation_slug}/events", "Evenementen"))]
    return found + [(e["title"], frame(f"/embed/events/{e['slug']}/register", f"Aanmelden: {e['title']}")) for e in events]


async def _settings_page(request: Request, slug: str, current_user, settings, clock, errors=None, status=200, text=None) -> Template:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    hosts = await service.hosts_of(mine.organisation.id)
    events = [e for e in await programme.upcoming_events(clock.now()) if e["organisation"] == mine.organisation.id]
    return Template("embeds/settings.html", status_code=status, context={
        "organisation": mine.organisation, "hosts": "\n".join(hosts) if text is None else text,
        "snippets": snippets(settings.base_url, slug, events), "errors": errors or {},
        "done": request.query_params.get("done"),
    })


@get("/organiser/organisations/{slug:str}/embed", guards=[organiser_guard], include_in_schema=False)
async def embed_settings_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep, settings: SettingsDep, clock: ClockDep) -> Template:
    return await _settings_page(request, slug, current_user, settings, clock)


@post("/organiser/organisations/{slug:str}/embed", guards=[organiser_guard], include_in_schema=False)
async def embed_settings_form(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, settings: SettingsDep, clock: ClockDep,
    data: Annotated[HostsForm, FORM],
) -> Template | Response:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    try:
        await service.set_hosts(mine.organisation.id, data.hosts, current_user, clock.now())
    except RuleViolation as refusal:
        from events.web.forms import translated  # noqa: PLC0415 - only a refusal needs it

        return await _settings_page(request, slug, current_user, settings, clock, translated(request, refusal.errors),
                                    refusal.status_code, data.hosts)
    return Response(content=None, status_code=303, headers={"location": f"/organiser/organisations/{slug}/embed?done=saved"})


class EmbedSettingsIO(Struct):
    hosts: list[str]  # origins allowed to frame the organisation's /embed pages, e.g. "https://www.gemeente.nl"


class ProblemOut(Struct):
    type: str
    title: str
    status: int
    detail: str


@get("/api/organisations/{slug:str}/embed", guards=[organiser_guard], tags=["embeds"], security=[{"BearerToken": []}],
     summary="The hosts that may frame the organisation's embeddable pages (owners)",
     responses={403: ResponseSpec(ProblemOut, description="Not an owner"), 404: ResponseSpec(ProblemOut, description="No such organisation of yours")})
async def api_embed_settings(slug: FromPath[str], current_user: CurrentUserDep) -> EmbedSettingsIO:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    return EmbedSettingsIO(hosts=await service.hosts_of(mine.organisation.id))


@put("/api/organisations/{slug:str}/embed", guards=[organiser_guard], tags=["embeds"], security=[{"BearerToken": []}],
     summary="Set the hosts that may frame the organisation's embeddable pages (owners)",
     responses={400: ResponseSpec(ProblemOut, description="A host that is not an origin"),
                403: ResponseSpec(ProblemOut, description="Not an owner"), 404: ResponseSpec(ProblemOut, description="No such organisation of yours")})
async def api_set_embed_settings(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[EmbedSettingsIO]) -> EmbedSettingsIO:
    mine = await organisations.organisation_for(current_user, slug, OrgRole.OWNER)
    return EmbedSettingsIO(hosts=await service.set_hosts(mine.organisation.id, data.hosts, current_user, clock.now()))


ROUTES = [embedded_events, embedded_form, embedded_submit, embed_settings_page, embed_settings_form, api_embed_settings,
          api_set_embed_settings]
