"""The participant's pages: `/live` (enter a code), `/live/{code}` (questions, the open poll, the rating), the wall
for the beamer (`/live/{code}/wall`: full screen, no site navigation, no buttons) and the space's QR code (SVG).
The pages load the state through the socket and act through the participant API (static/js/live.js)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from events.kernel.errors import RuleViolation
from events.kernel.sections import Section
from events.live import service
from events.live.routes.api import space_json
from events.programme import service as programme

NO_STORE = {"Cache-Control": "no-store"}
CODE_MAX = 20


@get("/live", include_in_schema=False)
async def enter_code(
    request: Request, code: Annotated[str | None, QueryParameter(name="code", max_length=CODE_MAX)] = None,
) -> Template | Redirect:
    error = None
    if code is not None:
        try:
            space = await service.space_by_code(code)
        except RuleViolation as refused:
            error = refused.message
        else:
            return Redirect(f"/live/{space['code']}")
    return Template("live/enter.html", context={"code": code or "", "error": error},
                    status_code=404 if error == service.NO_SPACE else (409 if error else 200), headers=NO_STORE)


async def _page_context(request: Request, code: str) -> dict[str, Any]:
    space = await service.space_by_code(code, must_be_open=False)
    session = await programme.session_by_id(space["session"]) if space["session"] else None
    base_url = request.app.state.settings.base_url
    return {"space": space, "space_json": space_json(space, base_url), "session": session,
            "join_host": urlsplit(base_url).netloc}


@get("/live/{code:str}", include_in_schema=False, opt={"skip_session": True})
async def participant_page(request: Request, code: FromPath[str]) -> Template:
    return Template("live/participant.html", context=await _page_context(request, code), headers=NO_STORE)


@get("/live/{code:str}/wall", include_in_schema=False, opt={"skip_session": True})
async def wall_page(request: Request, code: FromPath[str]) -> Template:
    return Template("live/wall.html", context=await _page_context(request, code), headers=NO_STORE)


@get("/live/{code:str}/qr.svg", include_in_schema=False, opt={"csrf_free": True, "skip_session": True})
async def qr_code(request: Request, code: FromPath[str]) -> Response:
    space = await service.space_by_code(code, must_be_open=False)
    url = f"{request.app.state.settings.base_url}/live/{space['code']}"
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return Response(image.to_string(encoding="unicode"), media_type="image/svg+xml",
                    headers={"cache-control": "public, max-age=300"})


LIVE_SECTION_ORDER = 50


async def session_space_section(session: dict[str, Any], **_: Any) -> Section | None:
    """The "session_page" section: a link to the session's live space while it is open."""
    space = await service.space_of_session(session["id"])
    if space is None or not space["is_open"]:
        return None
    return Section(template="live/panel_session_page.html", context={"space": space}, order=LIVE_SECTION_ORDER)


ROUTES = [enter_code, participant_page, wall_page, qr_code]
