"""The organiser's side of live spaces: the "Live" section on the organiser's event page (spaces per session, open
and close, ratings), making a space from there, and the moderator's screen (`/organiser/live/{id}`), which works on
a phone. The moderator's screen acts through the organiser API (static/js/live.js)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel.sections import Section
from events.live import broadcasts, service
from events.live.broadcasts import ChannelsDep
from events.live.routes.api import space_json
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import CurrentUserDep

GUARD = {"guards": [organiser_guard], "include_in_schema": False}
LIVE_SECTION_ORDER = 57


class SpaceForm(Struct):
    session_id: str = ""  # empty: the event's own space
    premoderation: str = ""


async def live_panel(event: dict[str, Any], request: Request, current_user: Any = None, **_: Any) -> Section:
    """The "organiser_event" section: the event's sessions with their live spaces and ratings."""
    spaces = {s["session"]: s for s in await service.spaces_of_event(event["id"])}
    ratings = {r["space_id"]: r for r in await service.ratings_of_event(event["id"])}
    sessions = await programme.sessions_of(event["id"])
    rows = [{"title": event["title"], "session_id": None, "space": spaces.get(None)}]
    rows += [{"title": s["title"], "session_id": s["id"], "space": spaces.get(s["id"])} for s in sessions]
    return Section(template="live/panel_organiser_event.html", order=LIVE_SECTION_ORDER,
                   context={"event": event, "rows": rows, "ratings": ratings})


@post("/organiser/events/{slug:str}/live", **GUARD)
async def make_space(
    slug: FromPath[str], current_user: CurrentUserDep,
    data: Annotated[SpaceForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    session_id = int(data.session_id) if data.session_id.isdigit() else None
    space = await service.create_space(event, session_id, premoderation=bool(data.premoderation))
    return Redirect(f"/organiser/live/{space['id']}")


@post("/organiser/live/{space_id:int}/{action:str}", **GUARD)
async def open_or_close(space_id: FromPath[int], action: FromPath[str], current_user: CurrentUserDep,
                        channels: ChannelsDep) -> Redirect:
    await service.space_for_organiser(space_id, current_user)
    space = await service.set_open(space_id, action == "open")
    broadcasts.publish_space(channels, space)
    return Redirect(f"/organiser/live/{space_id}")


@get("/organiser/live/{space_id:int}", **GUARD)
async def moderator_page(request: Request, space_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    space, event = await service.space_for_organiser(space_id, current_user)
    return Template("live/moderate.html", headers={"Cache-Control": "no-store"}, context={
        "space": space, "event": event, "space_json": space_json(space, request.app.state.settings.base_url),
        "polls": [service.poll_view(p) for p in await service.polls_of(space)],
    })


ROUTES = [make_space, open_or_close, moderator_page]
