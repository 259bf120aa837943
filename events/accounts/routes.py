"""Sign-in and sign-out pages, and the speakers' personal links."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from litestar import Request, Response, delete, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from msgspec import Struct

from events.accounts import service as accounts
from events.accounts.schemas import Me, TokenCreate, TokenCreated, TokenInfo
from events.kernel.i18n import N_
from events.kernel.text import normalise_email
from events.web.auth import organiser_guard, sign_in, sign_out, signed_in_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.errors import DomainError
from events.web.pagination import PAGE_HEADERS, PagingDep
from events.web.ratelimit import count_attempt
from events.web.routes import safe_next


class LoginForm(Struct):
    email: str = ""
    password: str = ""
    next: str = ""


@get("/login", include_in_schema=False)
async def login_page(request: Request, next_: Annotated[str | None, QueryParameter(name="next")] = None) -> Template:
    return Template("accounts/login.html", context={"next": safe_next(next_, ""), "error": None, "email": ""})


@post("/login", include_in_schema=False)
async def login(
    request: Request, data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Template | Redirect:
    # Beside the per-address limit (middleware): attempts on one account, from whatever addresses they come.
    await count_attempt(request.scope, request.app.state, "login_account", normalise_email(data.email))
    user = await accounts.authenticate(data.email, data.password)
    if user is None:
        return Template(
            "accounts/login.html",
            context={"next": safe_next(data.next, ""), "error": "login_failed", "email": data.email},
            status_code=400,
        )
    sign_in(request, user)
    default = "/organiser" if user.is_organiser else "/speaker"
    return Redirect(path=safe_next(data.next, default), status_code=303)


@post("/logout", include_in_schema=False)
async def logout(request: Request) -> Redirect:
    sign_out(request)
    return Redirect(path="/", status_code=303)


@get("/p/{token:str}", include_in_schema=False, opt={"csrf_free": True})
async def personal_link(request: Request, token: FromPath[str], clock: ClockDep) -> Redirect:
    """A speaker's personal link: signs them in without a password, then shows their sessions."""
    user = await accounts.user_for_personal_link(token, clock.now())
    if user is None:
        raise DomainError(status_code=404, detail=N_("This link is not valid (any more). Ask the organiser for a new one."))
    sign_in(request, user)
    response = Redirect(path="/speaker" if user.is_speaker else "/organiser", status_code=303)
    # The token must not leak through the Referer header of the next page.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- API tokens: an organiser manages their own ---------------------------------------------------------------


@get("/api/me", guards=[signed_in_guard], tags=["accounts"], summary="The signed-in user")
async def api_me(current_user: CurrentUserDep) -> Me:
    return Me(id=current_user.id, email=current_user.email, name=current_user.name, role=current_user.role)


@get("/api/tokens", response_headers=PAGE_HEADERS,
     guards=[organiser_guard], tags=["accounts"], summary="My API tokens")
async def api_list_tokens(paging: PagingDep, current_user: CurrentUserDep) -> Response[list[TokenInfo]]:
    return paging.answer_all([TokenInfo(**asdict(row)) for row in await accounts.list_api_tokens(current_user.id)])


@post("/api/tokens", guards=[organiser_guard], tags=["accounts"], summary="Create an API token (shown once)")
async def api_create_token(current_user: CurrentUserDep, data: JSONBody[TokenCreate]) -> TokenCreated:
    label = data.label.strip()[:100]
    token = await accounts.create_api_token(current_user.id, label=label)
    rows = await accounts.list_api_tokens(current_user.id)
    return TokenCreated(id=rows[0].id, label=label, token=token)


@delete("/api/tokens/{token_id:int}", guards=[organiser_guard], tags=["accounts"], summary="Revoke one of my tokens")
async def api_revoke_token(current_user: CurrentUserDep, token_id: FromPath[int], clock: ClockDep) -> None:
    if not await accounts.revoke_api_token_by_id(current_user.id, token_id, clock.now()):
        raise NotFoundException(detail="No active token with this id")


@get("/organiser/tokens", guards=[organiser_guard], include_in_schema=False)
async def tokens_page(current_user: CurrentUserDep) -> Template:
    return Template(
        "accounts/tokens.html",
        context={"tokens": await accounts.list_api_tokens(current_user.id), "new_token": None},
    )


class TokenForm(Struct):
    label: str = ""


@post("/organiser/tokens", guards=[organiser_guard], include_in_schema=False)
async def tokens_create(
    current_user: CurrentUserDep, data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Template:
    token = await accounts.create_api_token(current_user.id, label=data.label.strip()[:100])
    return Template(
        "accounts/tokens.html",
        context={"tokens": await accounts.list_api_tokens(current_user.id), "new_token": token},
        status_code=201,
    )


@post("/organiser/tokens/{token_id:int}/revoke", guards=[organiser_guard], include_in_schema=False)
async def tokens_revoke(current_user: CurrentUserDep, token_id: FromPath[int], clock: ClockDep) -> Redirect:
    if not await accounts.revoke_api_token_by_id(current_user.id, token_id, clock.now()):
        # Someone else's (or an unknown) token: say so, as the API does, instead of pretending it worked.
        raise NotFoundException(detail="No active token with this id")
    return Redirect(path="/organiser/tokens", status_code=303)


ROUTES = [
    login_page,
    login,
    logout,
    personal_link,
    api_me,
    api_list_tokens,
    api_create_token,
    api_revoke_token,
    tokens_page,
    tokens_create,
    tokens_revoke,
]
