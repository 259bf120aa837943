"""The player's join page (`/quiz`): the code and nickname form, which works without JavaScript, and the news of a
joined player for the host screen (also sent when a player joins through the API)."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.channels import ChannelsPlugin
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from events.kernel.errors import RuleViolation
from events.quiz import service
from events.quiz.broadcasts import ChannelsDep, announce_player
from events.quiz.routes.pages import NO_STORE, JoinForm
from events.quiz.rows import JoinedPlayer
from events.web.deps import ClockDep
from events.web.forms import translated

CODE_MAX = 20


def _play_page(
    request: Request, code: str = "", nickname: str = "", errors: dict | None = None,
    joined: JoinedPlayer | None = None, status: int = 200,
) -> Template:
    return Template(
        "quiz/play.html",
        context={"code": code, "nickname": nickname, "errors": translated(request, errors), "joined": joined},
        status_code=status,
        headers=NO_STORE,
    )


async def announce_join(request: Request, channels: ChannelsPlugin, joined: JoinedPlayer) -> None:
    """Tells the host screen a player joined, without starting a session for the player."""
    if request.scope.get("session") == {}:
        # Players have no account: do not write an empty server-side session (and cookie) for each of them.
        request.clear_session()
    await announce_player(channels, joined)


@get("/quiz", include_in_schema=False)
async def play_page(
    request: Request, code: Annotated[str | None, QueryParameter(name="code", max_length=CODE_MAX)] = None
) -> Template:
    return _play_page(request, code=code or "")


@post("/quiz", include_in_schema=False)
async def play_join(
    request: Request, data: Annotated[JoinForm, Body(media_type=RequestEncodingType.URL_ENCODED)], clock: ClockDep,
    channels: ChannelsDep,
) -> Template:
    try:
        joined = await service.join_run(data.code, data.nickname, clock.now())
    except RuleViolation as exc:
        return _play_page(request, data.code, data.nickname, exc.errors or {"code": exc.message}, status=exc.status_code)
    await announce_join(request, channels, joined)
    return _play_page(request, data.code, joined.nickname, joined=joined, status=201)


ROUTES = [play_page, play_join]
