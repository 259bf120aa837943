"""The invitation link's page: join an organisation by setting a password, or with the account one already has."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel.errors import RuleViolation
from events.organisations import service
from events.organisations.rows import InvitationView
from events.web.auth import sign_in
from events.web.deps import ClockDep, MaybeUserDep
from events.web.forms import NO_STORE, translated


class AcceptForm(Struct):
    name: str = ""
    password: str = ""


def _page(request: Request, invitation: InvitationView, current_user, errors=None, name: str = "", status: int = 200) -> Template:
    signed_in_as_invitee = current_user is not None and current_user.email == invitation.email
    return Template(
        "organisations/invitation.html",
        context={"invitation": invitation, "signed_in_as_invitee": signed_in_as_invitee,
                 "errors": translated(request, errors), "name": name},
        status_code=status,
        headers=NO_STORE,
    )


@get("/invitations/{token:str}", include_in_schema=False)
async def invitation_page(request: Request, token: FromPath[str], clock: ClockDep, current_user: MaybeUserDep) -> Template:
    return _page(request, await service.invitation_for_token(token, clock.now()), current_user)


@post("/invitations/{token:str}", include_in_schema=False)
async def accept(
    request: Request, token: FromPath[str], clock: ClockDep, current_user: MaybeUserDep,
    data: Annotated[AcceptForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    invitation = await service.invitation_for_token(token, clock.now())
    try:
        user = await service.accept_invitation(
            token, clock.now(), signed_in=current_user, name=data.name, password=data.password
        )
    except RuleViolation as refusal:
        return _page(request, invitation, current_user, refusal.errors, data.name, status=refusal.status_code)
    sign_in(request, user)
    response = Redirect(path=f"/organiser/organisations/{invitation.organisation.slug}/team?done=joined", status_code=303)
    response.headers.update(NO_STORE)
    return response


ROUTES = [invitation_page, accept]
