"""The organisations API: my organisations with my role, the team (members and invitations), and — for platform
admins — new organisations. Owners change the team; every member reads it."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, delete, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from events.organisations import service
from events.organisations.rows import Member, MyOrganisation, OrganisationRow, PendingInvitation
from events.organisations.schemas import (
    InvitationOut,
    LogoUpload,
    MemberInvite,
    MemberOut,
    MemberPatch,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
)
from events.organisations.tables import OrgRole
from events.web.auth import admin_guard, organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.i18n import language_of
from events.web.pagination import PAGE_HEADERS, PagingDep

TAGS = ["organisations"]
LOGO_BODY_LIMIT = 1024 * 1024  # the logo's 512 KB and the multipart framing; larger bodies are a 413


def _organisation_out(organisation: OrganisationRow, role: OrgRole | None = None) -> OrganisationOut:
    theme = service.theme_for(organisation)
    return OrganisationOut(
        slug=organisation.slug, name=organisation.name, contact_email=organisation.contact_email,
        website=organisation.website, privacy_url=organisation.privacy_url,
        accessibility_url=organisation.accessibility_url, primary_colour=organisation.primary_colour,
        logo_url=theme.logo_url or None, stylesheet_url=theme.stylesheet_url, role=role.value if role else None,
    )


def _mine_out(mine: MyOrganisation) -> OrganisationOut:
    return _organisation_out(mine.organisation, mine.role)


def _member_out(member: Member) -> MemberOut:
    return MemberOut(id=member.id, email=member.email, name=member.name, role=member.role.value, since=member.since)


def _invitation_out(invitation: PendingInvitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id, email=invitation.email, role=invitation.role.value, created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


@get("/api/organisations", response_headers=PAGE_HEADERS,
     guards=[organiser_guard], tags=TAGS, summary="My organisations, with my role in each")
async def api_my_organisations(
    paging: PagingDep, current_user: CurrentUserDep,
) -> Response[list[OrganisationOut]]:
    return paging.answer_all([_mine_out(mine) for mine in await service.organisations_of(current_user)])


@post("/api/organisations", guards=[admin_guard], tags=TAGS, summary="Create an organisation (platform admins)")
async def api_create_organisation(current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[OrganisationIn]) -> OrganisationOut:
    values = {name: getattr(data, name) for name in data.__struct_fields__ if name != "slug"}
    organisation = await service.create_organisation(values, clock.now(), slug=data.slug, actor=current_user)
    return _organisation_out(organisation)


@get("/api/organisations/{slug:str}", guards=[organiser_guard], tags=TAGS, summary="One of my organisations")
async def api_organisation(slug: FromPath[str], current_user: CurrentUserDep) -> OrganisationOut:
    return _mine_out(await service.organisation_for(current_user, slug))


@patch("/api/organisations/{slug:str}", guards=[organiser_guard], tags=TAGS, summary="Change the organisation's settings (owners)")
async def api_update_organisation(
    slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[OrganisationPatch]
) -> OrganisationOut:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    changes = {name: value for name in data.__struct_fields__ if isinstance(value := getattr(data, name), str)}
    organisation = await service.update_settings(mine.organisation, changes, current_user, clock.now())
    return _organisation_out(organisation, mine.role)


@put(
    "/api/organisations/{slug:str}/logo", guards=[organiser_guard], tags=TAGS, request_max_body_size=LOGO_BODY_LIMIT,
    summary="Set the organisation's logo (owners): a PNG or SVG of at most 512 KB, as the multipart field `file`",
    description="A PNG must be a readable PNG. An SVG is kept without what is not on the allow-list (editor "
    "metadata); one with a script, an event attribute (onload, …), a javascript: address, a foreignObject or a "
    "reference outside the file is refused (400) with the reason in `errors`. 413 when larger than 512 KB, 415 when "
    "neither PNG nor SVG.",
)
async def api_set_logo(
    slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[LogoUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> OrganisationOut:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    upload = data.file
    content = await upload.read(service.MAX_LOGO_BYTES + 1) if isinstance(upload, UploadFile) else b""
    logo = service.checked_logo(content, getattr(upload, "filename", "") or "", getattr(upload, "content_type", "") or "")
    return _organisation_out(await service.set_logo(mine.organisation, logo, current_user, clock.now()), mine.role)


@delete("/api/organisations/{slug:str}/logo", guards=[organiser_guard], tags=TAGS, status_code=204,
        summary="Remove the organisation's logo (owners)")
async def api_remove_logo(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> None:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    if mine.organisation.logo_type:
        await service.set_logo(mine.organisation, None, current_user, clock.now())


@get("/api/organisations/{slug:str}/members", response_headers=PAGE_HEADERS,
     guards=[organiser_guard], tags=TAGS, summary="The team")
async def api_members(
    paging: PagingDep, slug: FromPath[str], current_user: CurrentUserDep,
) -> Response[list[MemberOut]]:
    mine = await service.organisation_for(current_user, slug)
    return paging.answer_all([_member_out(member) for member in await service.members_of(mine.organisation.id)])


@post(
    "/api/organisations/{slug:str}/members", guards=[organiser_guard], tags=TAGS, status_code=201,
    summary="Invite a colleague by e-mail (owners); the one-time link goes by mail only",
)
async def api_invite(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
    data: JSONBody[MemberInvite],
) -> InvitationOut:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    invitation = await service.invite(
        mine.organisation, data.email, data.role, current_user, clock.now(), settings.base_url, language_of(request)
    )
    return _invitation_out(invitation)


@patch("/api/organisations/{slug:str}/members/{member_id:int}", guards=[organiser_guard], tags=TAGS, summary="Change a member's role (owners)")
async def api_change_role(
    slug: FromPath[str], member_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[MemberPatch]
) -> MemberOut:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    return _member_out(await service.change_role(mine.organisation, member_id, data.role, current_user, clock.now()))


@delete(
    "/api/organisations/{slug:str}/members/{member_id:int}", guards=[organiser_guard], tags=TAGS, status_code=204,
    summary="Remove a member (owners), or leave (your own membership); never the last owner",
)
async def api_remove_member(slug: FromPath[str], member_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> None:
    mine = await service.organisation_for(current_user, slug)
    own = any(m.id == member_id and m.user_id == current_user.id for m in await service.members_of(mine.organisation.id))
    if not own:
        mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    await service.remove_member(mine.organisation, member_id, current_user, clock.now())


@get("/api/organisations/{slug:str}/invitations", response_headers=PAGE_HEADERS,
     guards=[organiser_guard], tags=TAGS, summary="Open invitations (owners)")
async def api_invitations(
    paging: PagingDep, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
) -> Response[list[InvitationOut]]:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    return paging.answer_all([_invitation_out(i) for i in await service.pending_invitations(mine.organisation.id, clock.now())])


@delete(
    "/api/organisations/{slug:str}/invitations/{invitation_id:int}", guards=[organiser_guard], tags=TAGS,
    status_code=204, summary="Withdraw an open invitation (owners)",
)
async def api_revoke_invitation(
    slug: FromPath[str], invitation_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> None:
    mine = await service.organisation_for(current_user, slug, OrgRole.OWNER)
    await service.revoke_invitation(mine.organisation, invitation_id, current_user, clock.now())


ROUTES = [
    api_my_organisations, api_create_organisation, api_organisation, api_update_organisation, api_set_logo,
    api_remove_logo, api_members,
    api_invite, api_change_role, api_remove_member, api_invitations, api_revoke_invitation,
]
