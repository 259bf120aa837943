"""The back office of an organisation: my organisations, the team (members, roles, invitations) and settings."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from msgspec import Struct

from events.audit import service as audit
from events.kernel.errors import RuleViolation
from events.organisations import service
from events.organisations.rows import MyOrganisation
from events.organisations.tables import ROLE_ORDER, OrgRole
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.forms import translated
from events.web.i18n import language_of

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
LOGO_FORM_LIMIT = 2 * 1024 * 1024  # the logo's 512 KB and the form's other fields; larger bodies are a 413
CURRENT_KEY = "organisation"  # the session's current organisation (new events go there)


class InviteForm(Struct):
    email: str = ""
    role: str = "editor"


class RoleForm(Struct):
    role: str = ""


class SettingsForm(Struct):
    name: str = ""
    contact_email: str = ""
    website: str = ""
    privacy_url: str = ""
    accessibility_url: str = ""
    primary_colour: str = ""
    logo: UploadFile | None = None
    remove_logo: str = ""


TEXT_SETTINGS = ("name", "contact_email", "website", "privacy_url", "accessibility_url", "primary_colour")
MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)


class CurrentForm(Struct):
    organisation: str = ""
    next: str = "/organiser"


def _team_url(slug: str, done: str = "") -> str:
    return f"/organiser/organisations/{slug}/team" + (f"?done={done}" if done else "")


@get("/organiser/organisations", guards=[organiser_guard], include_in_schema=False)
async def my_organisations(current_user: CurrentUserDep) -> Template:
    return Template("organisations/list.html", context={"mine": await service.organisations_of(current_user)})


@post("/organiser/organisations/current", guards=[organiser_guard], include_in_schema=False)
async def choose_current(request: Request, current_user: CurrentUserDep, data: Annotated[CurrentForm, FORM]) -> Redirect:
    """The switcher: which organisation the back office works in (its events first, new events made there)."""
    mine = await service.organisation_for(current_user, data.organisation)
    request.session[CURRENT_KEY] = mine.organisation.slug
    target = data.next if data.next.startswith("/organiser") else "/organiser"
    return Redirect(path=target, status_code=303)


async def _team_page(request: Request, mine: MyOrganisation, now, errors=None, form=None, status=200) -> Template:
    organisation = mine.organisation
    is_owner = mine.role == OrgRole.OWNER
    return Template(
        "organisations/team.html",
        context={
            "organisation": organisation,
            "role": mine.role,
            "is_owner": is_owner,
            "roles": ROLE_ORDER,
            "members": await service.members_of(organisation.id),
            "invitations": await service.pending_invitations(organisation.id, now) if is_owner else [],
            "history": await audit.entries(organisation_id=organisation.id, action_prefix="members.", limit=50)
            if is_owner else [],
            "errors": translated(request, errors),
            "form": form or {},
            "done": request.query_params.get("done"),
        },
        status_code=status,
    )


@get("/organiser/organisations/{slug:str}/team", guards=[organiser_guard], include_in_schema=False)
async def team_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> Template:
    return await _team_page(request, await service.organisation_for(current_user, slug), clock.now())


@post("/organiser/organisations/{slug:str}/team/invite", guards=[organiser_guard], include_in_schema=False)
async def invite_form(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: Annotated[InviteForm, FORM],
) -> Template | Redirect:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    try:
        await service.invite(
            mine.organisation, data.email, data.role, current_user, clock.now(), settings.base_url, language_of(request)
        )
    except RuleViolation as refusal:
        return await _team_page(request, mine, clock.now(), refusal.errors, {"email": data.email, "role": data.role},
                                status=refusal.status_code)
    return Redirect(path=_team_url(slug, "invited"), status_code=303)


@post("/organiser/organisations/{slug:str}/team/{member_id:int}/role", guards=[organiser_guard], include_in_schema=False)
async def role_form(
    request: Request, slug: FromPath[str], member_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[RoleForm, FORM],
) -> Template | Redirect:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    try:
        await service.change_role(mine.organisation, member_id, data.role, current_user, clock.now())
    except RuleViolation as refusal:
        return await _team_page(request, mine, clock.now(), refusal.errors, status=refusal.status_code)
    return Redirect(path=_team_url(slug, "role"), status_code=303)


@post("/organiser/organisations/{slug:str}/team/{member_id:int}/remove", guards=[organiser_guard], include_in_schema=False)
async def remove_form(
    request: Request, slug: FromPath[str], member_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> Template | Redirect:
    """An owner removes a member, or a member removes themselves (leaves)."""
    mine = await service.organisation_for(current_user, slug)
    members = {m.id: m for m in await service.members_of(mine.organisation.id)}
    leaving = member_id in members and members[member_id].user_id == current_user.id
    if not leaving:
        mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    try:
        await service.remove_member(mine.organisation, member_id, current_user, clock.now())
    except RuleViolation as refusal:
        return await _team_page(request, mine, clock.now(), refusal.errors, status=refusal.status_code)
    return Redirect(path="/organiser/organisations?done=left" if leaving else _team_url(slug, "removed"), status_code=303)


@post(
    "/organiser/organisations/{slug:str}/invitations/{invitation_id:int}/revoke", guards=[organiser_guard],
    include_in_schema=False,
)
async def revoke_form(slug: FromPath[str], invitation_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    await service.revoke_invitation(mine.organisation, invitation_id, current_user, clock.now())
    return Redirect(path=_team_url(slug, "revoked"), status_code=303)


def _settings_page(request: Request, mine: MyOrganisation, values: dict[str, Any], errors=None, status=200) -> Template:
    return Template(
        "organisations/settings.html",
        context={"organisation": mine.organisation, "theme": service.theme_for(mine.organisation), "values": values,
                 "errors": translated(request, errors), "done": request.query_params.get("done"),
                 "logo_limit_kb": service.MAX_LOGO_BYTES // 1024},
        status_code=status,
    )


@get("/organiser/organisations/{slug:str}/settings", guards=[organiser_guard], include_in_schema=False)
async def settings_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    return _settings_page(request, mine, mine.organisation.__dict__)


async def _uploaded_logo(data: SettingsForm) -> service.CheckedLogo | None:
    """The checked new logo, or None when the form sends none (RuleViolation for a file that is refused)."""
    if data.logo is None or not data.logo.filename:
        return None
    content = await data.logo.read(service.MAX_LOGO_BYTES + 1)
    return service.checked_logo(content, data.logo.filename, data.logo.content_type or "")


@post("/organiser/organisations/{slug:str}/settings", guards=[organiser_guard], include_in_schema=False,
      request_max_body_size=LOGO_FORM_LIMIT)
async def settings_form(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[SettingsForm, MULTIPART],
) -> Template | Redirect:
    """Name, contact, links, colour and logo; every field is checked before anything is saved."""
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    values = {name: getattr(data, name) for name in TEXT_SETTINGS}
    errors: dict[str, str] = {}
    status, logo = 400, None
    try:
        logo = await _uploaded_logo(data)
    except RuleViolation as refusal:
        errors, status = refusal.errors, refusal.status_code
    try:
        service.clean_settings(values)
    except RuleViolation as refusal:
        errors, status = {**refusal.errors, **errors}, refusal.status_code
    if errors:
        return _settings_page(request, mine, values, errors, status=status)
    organisation = await service.update_settings(mine.organisation, values, current_user, clock.now())
    if logo is not None or (data.remove_logo and organisation.logo_type):
        await service.set_logo(organisation, logo, current_user, clock.now())
    return Redirect(path=f"/organiser/organisations/{slug}/settings?done=saved", status_code=303)


ROUTES = [
    my_organisations, choose_current, team_page, invite_form, role_form, remove_form, revoke_form, settings_page,
    settings_form,
]
