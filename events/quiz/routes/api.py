"""The quiz's `/api` operations: exporting and importing a quiz, the host's moves and removing a player, a run's
stored results, and a player joining a run."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.quiz import service
from events.quiz.broadcasts import ChannelsDep, publish
from events.quiz.routes.public import announce_join
from events.quiz.schemas import (
    HostActionDone,
    JoinRequest,
    JoinResponse,
    PlayerResult,
    QuizExport,
    RunResults,
)
from events.quiz.tables import RunStatus
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep

ORGANISER = {"guards": [organiser_guard], "tags": ["quiz"]}
PLAYER_SOCKET = "/ws/quiz/play"


@get("/api/events/{slug:str}/quizzes/{quiz_id:int}/export", summary="Export a quiz as JSON", **ORGANISER)
async def api_quiz_export(slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> QuizExport:
    quiz, _event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user, OrgRole.VIEWER)
    return msgspec.convert(service.export_quiz_data(quiz, await service.questions_of(quiz_id)), QuizExport)


@post("/api/events/{slug:str}/quizzes/import", summary="Create a quiz from exported JSON", status_code=201, **ORGANISER)
async def api_quiz_import(
    slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, data: JSONBody[dict[str, Any]]
) -> dict[str, Any]:
    event = await programme.event_for_organiser(slug, current_user)
    quiz_id = await service.import_quiz(engine, event, data)
    return {"id": quiz_id, "url": f"/organiser/events/{slug}/quizzes/{quiz_id}"}


@post("/api/quizzes/{quiz_id:int}/runs", summary="Open a live run of a quiz (in the lobby, with a join code)",
      status_code=201, **ORGANISER)
async def api_open_run(
    request: Request, quiz_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
) -> dict[str, Any]:
    await service.quiz_for_organiser(quiz_id, current_user)
    run = await service.open_run(quiz_id, current_user.id, clock.now())
    base_url = request.app.state.settings.base_url
    return {
        "run_id": run.id, "quiz_id": quiz_id, "status": run.status, "join_code": run.join_code,
        "join_url": f"{base_url}/quiz?code={run.join_code}", "host_socket_url": f"/ws/quiz/host/{run.id}",
        "host_url": f"{base_url}/organiser/quiz-runs/{run.id}/host",
    }


@post(
    "/api/quiz/runs/{run_id:int}/{action:str}",
    summary="Host action: next (question), reveal, leaderboard, end",
    status_code=200,
    **ORGANISER,
)
async def api_host_action(
    run_id: FromPath[int], action: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, clock: ClockDep,
    channels: ChannelsDep,
) -> HostActionDone:
    if action not in service.HOST_MOVES:
        raise NotFound(N_("Unknown host action"))
    await service.run_for_host(run_id, current_user)
    message = await service.make_host_move(engine, run_id, service.HostMove(action), clock.now())
    await publish(channels, {"type": message["type"], "run_id": run_id, **message})
    return HostActionDone(run_id=run_id, status=RunStatus(message["type"]), message=message)


@post(
    "/api/quiz/runs/{run_id:int}/players/{player_id:int}/remove",
    summary="Remove a player from a run (their token stops working)",
    status_code=200,
    **ORGANISER,
)
async def api_remove_player(
    run_id: FromPath[int], player_id: FromPath[int], current_user: CurrentUserDep, channels: ChannelsDep
) -> dict[str, Any]:
    await service.run_for_host(run_id, current_user)
    if not await service.remove_player(run_id, player_id):
        raise NotFound(N_("No player with this number in this run"))
    await publish(channels, {"type": "player_removed", "run_id": run_id, "player_id": player_id})
    return {"run_id": run_id, "player_id": player_id, "removed": True}


@get("/api/quiz/runs/{run_id:int}/results", summary="Stored results of a run", **ORGANISER)
async def api_results(run_id: FromPath[int], current_user: CurrentUserDep) -> RunResults:
    run, _quiz, _event = await service.run_for_host(run_id, current_user, OrgRole.VIEWER)
    data = await service.results(run_id)
    return RunResults(
        run_id=run_id,
        status=run.status,
        standings=[
            PlayerResult(
                rank=r.rank, nickname=r.nickname, score=r.score, correct_answers=r.correct,
                total_response_ms=r.total_response_ms, response_ms=list(r.response_ms),
            )
            for r in data.standings
        ],
        questions=[
            {"text": q.question.text, "kind": q.question.kind, "answered": q.answered,
             "distribution": [{"text": o["text"], "correct": o["correct"], "count": o["count"]} for o in q.distribution]}
            for q in data.questions
        ],
    )


@post(
    "/api/quiz/join", opt={"skip_session": True}, tags=["quiz"],
    summary="Join an open quiz run with its code and a nickname", status_code=201,
)
async def api_join(request: Request, data: JSONBody[JoinRequest], clock: ClockDep, channels: ChannelsDep) -> JoinResponse:
    joined = await service.join_run(data.code, data.nickname, clock.now())
    await announce_join(request, channels, joined)
    return JoinResponse(
        player_token=joined.token, player_id=joined.player_id, run_id=joined.run_id, nickname=joined.nickname,
        socket_url=PLAYER_SOCKET,
    )


ROUTES = [api_open_run, api_quiz_export, api_quiz_import, api_host_action, api_remove_player, api_results, api_join]
