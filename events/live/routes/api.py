"""The live `/api` operations. Organisers (cookie + CSRF, or Bearer; editors of the event's organisation) make,
open and close spaces, moderate questions, run polls and export. Participants carry their token in `X-Live-Token`
(no cookie, so no CSRF): join, ask, vote, answer polls, rate. Every change is published to the space's channels."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.live import broadcasts, service
from events.live.broadcasts import ChannelsDep, LiveUpdates, LiveUpdatesDep
from events.live.schemas import (
    HideWordRequest,
    JoinRequest,
    PollRequest,
    QuestionRequest,
    RatingRequest,
    ResponseRequest,
    SpaceRequest,
)
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.pagination import PAGE_HEADERS, PagingDep

ORGANISER = {"guards": [organiser_guard], "tags": ["live"]}
PARTICIPANT = {"tags": ["live"], "opt": {"csrf_free": True, "skip_session": True}}
TokenHeader = Annotated[str | None, HeaderParameter(name="X-Live-Token", required=False)]
SOCKET = "/ws/live/{code}"


def space_json(space: dict[str, Any], base_url: str = "") -> dict[str, Any]:
    return {
        "id": space["id"], "code": space["code"], "title": space["title"], "session_id": space["session"],
        "is_open": space["is_open"], "premoderation": space["premoderation"],
        "anonymous_allowed": space["anonymous_allowed"], "join_url": f"{base_url}/live/{space['code']}",
        "wall_url": f"/live/{space['code']}/wall", "qr_url": f"/live/{space['code']}/qr.svg",
        "socket_url": SOCKET.format(code=space["code"]),
    }


def _base(request: Request) -> str:
    return request.app.state.settings.base_url


@post("/api/events/{slug:str}/live", summary="Make a live space for the event or one of its sessions", status_code=201,
      **ORGANISER)
async def api_create_space(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, data: JSONBody[SpaceRequest],
) -> dict[str, Any]:
    event = await programme.event_for_organiser(slug, current_user)
    space = await service.create_space(event, data.session_id, data.premoderation, data.anonymous_allowed)
    return space_json(space, _base(request))


@get("/api/events/{slug:str}/live", summary="The event's live spaces and their ratings", **ORGANISER)
async def api_spaces(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> dict[str, Any]:
    event = await programme.event_for_member(slug, current_user)
    spaces = [space_json(s, _base(request)) for s in await service.spaces_of_event(event["id"])]
    return {"spaces": spaces, "ratings": await service.ratings_of_event(event["id"])}


@post("/api/live/spaces/{space_id:int}/{action:str}", summary="Open or close a space", status_code=200, **ORGANISER)
async def api_space_action(
    request: Request, space_id: FromPath[int], action: FromPath[str], current_user: CurrentUserDep,
    channels: ChannelsDep,
) -> dict[str, Any]:
    if action not in ("open", "close"):
        raise NotFound(N_("Unknown action"))
    await service.space_for_organiser(space_id, current_user)
    space = await service.set_open(space_id, action == "open")
    broadcasts.publish_space(channels, space)
    return space_json(space, _base(request))


@post("/api/live/spaces/{space_id:int}/questions/{question_id:int}/{action:str}",
      summary="Moderate a question: approve, hide, pin, unpin, answered", status_code=200, **ORGANISER)
async def api_moderate(
    space_id: FromPath[int], question_id: FromPath[int], action: FromPath[str], current_user: CurrentUserDep,
    clock: ClockDep, channels: ChannelsDep,
) -> dict[str, Any]:
    space, _event = await service.space_for_organiser(space_id, current_user)
    question = await service.moderate(space, question_id, action, clock.now())
    broadcasts.publish_question(channels, space_id, question)
    return question


@post("/api/live/spaces/{space_id:int}/polls", summary="Prepare a poll", status_code=201, **ORGANISER)
async def api_create_poll(space_id: FromPath[int], current_user: CurrentUserDep, data: JSONBody[PollRequest]) -> dict[str, Any]:
    space, _event = await service.space_for_organiser(space_id, current_user)
    poll = await service.create_poll(space, data.kind, data.question, data.options, data.revealed)
    return service.poll_view(poll)


@get("/api/live/spaces/{space_id:int}/questions", response_headers=PAGE_HEADERS,
     summary="Every question of the space for its organisers, pending and hidden ones too (order=votes|newest; "
     "paginated)", **ORGANISER)
async def api_moderator_questions(
    paging: PagingDep, space_id: FromPath[int], current_user: CurrentUserDep,
    order: Annotated[str, QueryParameter(name="order", description="votes or newest")] = "votes",
) -> Response[list[dict[str, Any]]]:
    space, _event = await service.space_for_organiser(space_id, current_user, OrgRole.VIEWER)
    if order not in ("votes", "newest"):
        raise RuleViolation(N_("Invalid filter"), {"order": N_("Choose votes or newest.")})
    return paging.answer_all(await service.questions_of(space, moderator=True, order=order))


@get("/api/live/spaces/{space_id:int}/polls", response_headers=PAGE_HEADERS,
     summary="The space's polls with their results", **ORGANISER)
async def api_polls(
    paging: PagingDep, space_id: FromPath[int], current_user: CurrentUserDep,
) -> Response[list[dict[str, Any]]]:
    space, _event = await service.space_for_organiser(space_id, current_user, OrgRole.VIEWER)
    polls = await service.polls_of(space)
    # results only for the page's polls
    return paging.answer([{**service.poll_view(p), "results": await service.results(p)} for p in paging.window(polls)],
                         len(polls))


@post("/api/live/spaces/{space_id:int}/polls/{poll_id:int}/{action:str}",
      summary="Poll: open (closes the open one), close, reveal, conceal", status_code=200, **ORGANISER)
async def api_poll_action(
    space_id: FromPath[int], poll_id: FromPath[int], action: FromPath[str], current_user: CurrentUserDep,
    channels: ChannelsDep,
) -> dict[str, Any]:
    space, _event = await service.space_for_organiser(space_id, current_user)
    poll = await service.move(space, poll_id, action)
    results = await service.results(poll)
    is_open = await service.open_poll_of(space)
    broadcasts.publish_poll(channels, space_id, service.poll_view(is_open) if is_open else None,
                            results if poll["revealed"] else None)
    broadcasts.publish_results(channels, space_id, results, poll["revealed"])
    return {**service.poll_view(poll), "results": results}


@post("/api/live/spaces/{space_id:int}/polls/{poll_id:int}/words/hide", summary="Hide a word of a word cloud",
      status_code=200, **ORGANISER)
async def api_hide_word(
    space_id: FromPath[int], poll_id: FromPath[int], current_user: CurrentUserDep, data: JSONBody[HideWordRequest],
    channels: ChannelsDep,
) -> dict[str, Any]:
    space, _event = await service.space_for_organiser(space_id, current_user)
    poll = await service.hide_word(space, poll_id, data.word)
    results = await service.results(poll)
    broadcasts.publish_results(channels, space_id, results, poll["revealed"])
    return results


@get("/api/live/spaces/{space_id:int}/export", summary="Export questions, poll results and ratings (csv or json)",
     **ORGANISER)
async def api_export(
    space_id: FromPath[int], current_user: CurrentUserDep,
    format: Annotated[str, QueryParameter(name="format", pattern="^(csv|json)$")] = "json",  # noqa: A002 - the API's name
) -> Response:
    space, _event = await service.space_for_organiser(space_id, current_user, OrgRole.VIEWER)
    data = await service.export_data(space)
    if format == "csv":
        return Response(service.export_csv(data), media_type="text/csv; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="live-{space["code"]}.csv"', "cache-control": "no-store"})
    return Response(data, headers={"cache-control": "no-store"})


@post("/api/live/{code:str}/participants", summary="Join a space (optional name) and get a participant token",
      status_code=201, **{**PARTICIPANT, "opt": {**PARTICIPANT["opt"], "rate_limit": "live_join"}})
async def api_join(request: Request, code: FromPath[str], data: JSONBody[JoinRequest]) -> dict[str, Any]:
    space = await service.space_by_code(code)
    token, participant = await service.join(space, data.name)
    return {"token": token, "participant_id": participant["id"], "name": participant["name"],
            "space": space_json(space, _base(request))}


@get("/api/live/{code:str}/questions", summary="The space's questions (order=votes|newest) and your votes",
     **PARTICIPANT)
async def api_questions(
    code: FromPath[str], token: TokenHeader,
    order: Annotated[str, QueryParameter(name="order", pattern="^(votes|newest)$")] = "votes",
) -> dict[str, Any]:
    space = await service.space_by_code(code)
    participant = await service.participant_of(space, token)
    return {"questions": await service.questions_of(space, order=order),
            "my_votes": await service.votes_by(participant["id"])}


@post("/api/live/{code:str}/questions", summary="Ask a question (at most 280 characters)", status_code=201,
      **{**PARTICIPANT, "opt": {**PARTICIPANT["opt"], "rate_limit": "live_ask"}})
async def api_ask(code: FromPath[str], token: TokenHeader, data: JSONBody[QuestionRequest],
                  channels: ChannelsDep) -> dict[str, Any]:
    space = await service.space_by_code(code)
    participant = await service.participant_of(space, token)
    question = await service.ask(space, participant, data.text, data.name)
    broadcasts.publish_question(channels, space["id"], question)
    return question


async def _vote(code: str, token: str | None, question_id: int, updates: LiveUpdates, add: bool) -> dict[str, Any]:
    """The hot path of a live room: the space and the token come from the process's memory (re-checked by the
    database in the vote's own statement), the screens get the new count in the next coalesced frame."""
    space = await service.known_space(code)
    participant = await service.known_participant(space, token)
    votes = await (service.vote if add else service.withdraw)(space, participant, question_id)
    updates.voted(space["id"], question_id)
    return {"question_id": question_id, "votes": votes, "voted": add}


@post("/api/live/{code:str}/questions/{question_id:int}/vote", summary="Vote for a question (once)", status_code=200,
      **PARTICIPANT)
async def api_vote(code: FromPath[str], question_id: FromPath[int], token: TokenHeader,
                   live_updates: LiveUpdatesDep) -> dict[str, Any]:
    return await _vote(code, token, question_id, live_updates, add=True)


@delete("/api/live/{code:str}/questions/{question_id:int}/vote", summary="Withdraw your vote", status_code=200,
        **PARTICIPANT)
async def api_withdraw(code: FromPath[str], question_id: FromPath[int], token: TokenHeader,
                       live_updates: LiveUpdatesDep) -> dict[str, Any]:
    return await _vote(code, token, question_id, live_updates, add=False)


@post("/api/live/{code:str}/polls/{poll_id:int}/responses", summary="Answer the open poll (once)", status_code=201,
      **PARTICIPANT)
async def api_respond(code: FromPath[str], poll_id: FromPath[int], token: TokenHeader,
                      data: JSONBody[ResponseRequest], clock: ClockDep, live_updates: LiveUpdatesDep) -> dict[str, Any]:
    space = await service.known_space(code)
    participant = await service.known_participant(space, token)
    poll = await service.respond(space, participant, poll_id, data.answer, clock.now())
    update = await live_updates.responded(poll)  # the next coalesced results, which count this response
    return {"poll_id": poll_id, "accepted": True, "results": update["results"] if update["revealed"] else None}


@post("/api/live/{code:str}/ratings", summary="Rate the session: 1–5 stars and a comment (once)", status_code=201,
      **PARTICIPANT)
async def api_rate(code: FromPath[str], token: TokenHeader, data: JSONBody[RatingRequest]) -> dict[str, Any]:
    space = await service.space_by_code(code)
    participant = await service.participant_of(space, token)
    await service.rate(space, participant, data.stars, data.comment)
    return {"accepted": True}


ROUTES = [
    api_create_space, api_spaces, api_space_action, api_moderate, api_create_poll, api_polls, api_poll_action,
    api_moderator_questions,
    api_hide_word, api_export, api_join, api_questions, api_ask, api_vote, api_withdraw, api_respond, api_rate,
]
