"""Quiz pages and API: authoring (organiser), the host screen and its actions, results, and the player's join page."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
import qrcode
import qrcode.image.svg
from litestar import Request, Response, get, post
from litestar.channels import ChannelsPlugin
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from msgspec import Struct

from events.kernel import statement_writer
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import Section, provides
from events.programme import service as programme
from events.quiz import hub
from events.quiz import service as quiz_service
from events.quiz.schemas import (
    HostActionDone,
    JoinRequest,
    JoinResponse,
    PlayerResult,
    QuizExport,
    RunResults,
)
from events.resources import service as resources
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, SettingsDep
from events.web.i18n import language_of

NO_STORE = {"Cache-Control": "no-store"}


def _translated(request: Request | None, errors: dict[str, str] | None) -> dict[str, str]:
    """Field messages are English msgids in the service; forms show them in the visitor's language."""
    language = language_of(request) if request is not None else "nl"
    return {key: gettext_for(language, message) for key, message in (errors or {}).items()}


# --- panels on other domains' pages --------------------------------------------------------------------------


@provides("organiser_event")
async def quizzes_panel(event: dict[str, Any], request: Request, current_user: Any = None, **_: Any) -> Section:
    return Section(
        template="quiz/panel_organiser_event.html",
        context={"event": event, "quizzes": await quiz_service.quizzes_of_event(event["id"])},
        order=60,
    )


# --- authoring -----------------------------------------------------------------------------------------------


class QuizForm(Struct):
    title: str = ""
    session: str = ""
    accuracy_only: str = ""


class ImportForm(Struct):
    quiz_json: str = ""


class QuestionForm(Struct):
    kind: str = "single"
    text: str = ""
    time_limit_s: str = "20"
    points: str = "1000"
    truefalse: str = "true"
    learn_more_url: str = ""
    learn_more_title: str = ""
    resource: str = ""
    option_1: str = ""
    option_2: str = ""
    option_3: str = ""
    option_4: str = ""
    option_5: str = ""
    option_6: str = ""
    correct_1: str = ""
    correct_2: str = ""
    correct_3: str = ""
    correct_4: str = ""
    correct_5: str = ""
    correct_6: str = ""


def _question_input(form: QuestionForm) -> quiz_service.QuestionInput:
    if form.kind == "truefalse":
        options = [("true" if form.truefalse == "true" else "false", True)]
    else:
        options = [(getattr(form, f"option_{i}"), bool(getattr(form, f"correct_{i}"))) for i in range(1, 7)]
    return quiz_service.QuestionInput(
        kind=form.kind,
        text=form.text,
        time_limit_s=form.time_limit_s,
        points=form.points,
        options=options,
        learn_more_url=form.learn_more_url,
        learn_more_title=form.learn_more_title,
        resource_id=int(form.resource) if form.resource.strip().isdigit() else None,
    )


def _session_id(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


async def _quiz_in_event(slug: str, quiz_id: int, user) -> tuple[dict[str, Any], dict[str, Any]]:
    event = await programme.event_for_organiser(slug, user)
    quiz, _event = await quiz_service.quiz_for_organiser(quiz_id, user)
    if quiz["event"] != event["id"]:
        raise NotFound(N_("No quiz with this number"))
    return quiz, event


async def _list_page(
    request: Request, event: dict[str, Any], errors: dict | None = None, form: dict | None = None, status: int = 200
):
    return Template(
        "quiz/quizzes.html",
        context={
            "event": event,
            "quizzes": await quiz_service.quizzes_of_event(event["id"]),
            "sessions": await programme.sessions_of(event["id"]),
            "errors": _translated(request, errors),
            "form": form or {},
        },
        status_code=status,
    )


@get("/organiser/events/{slug:str}/quizzes", guards=[organiser_guard], include_in_schema=False)
async def quizzes_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    return await _list_page(request, await programme.event_for_organiser(slug, current_user))


@post("/organiser/events/{slug:str}/quizzes", guards=[organiser_guard], include_in_schema=False)
async def quiz_create(
    request: Request,
    slug: FromPath[str],
    current_user: CurrentUserDep,
    data: Annotated[QuizForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        quiz_id = await quiz_service.create_quiz(event["id"], data.title, _session_id(data.session), bool(data.accuracy_only))
    except RuleViolation as exc:
        return await _list_page(request, event, exc.errors or {"title": exc.message}, msgspec.structs.asdict(data), 400)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}", status_code=303)


@post("/organiser/events/{slug:str}/quizzes/import", guards=[organiser_guard], include_in_schema=False)
async def quiz_import_form(
    request: Request,
    slug: FromPath[str],
    current_user: CurrentUserDep,
    engine: EngineDep,
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        try:
            parsed = msgspec.json.decode(data.quiz_json.encode())
        except msgspec.DecodeError:
            raise RuleViolation(N_("This is not an exported quiz (JSON with a list of questions)")) from None
        quiz_id = await quiz_service.import_quiz(engine, event, parsed)
    except RuleViolation as exc:
        message = gettext_for(language_of(request), exc.message)
        if "questions" in exc.errors:
            number, _sep, problem = exc.errors["questions"].partition(": ")
            message += f" ({number}: {gettext_for(language_of(request), problem)})" if problem else f" ({number})"
        return await _list_page(request, event, {"quiz_json": message}, {"quiz_json": data.quiz_json}, 400)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}", status_code=303)


async def _quiz_page(request, event, quiz, errors=None, form=None, editing=None, status=200) -> Template:
    questions = await quiz_service.questions_of(quiz["id"])
    return Template(
        "quiz/quiz.html",
        context={
            "event": event,
            "quiz": quiz,
            "questions": questions,
            "resource_choices": await resources.resource_choices(include=[q["resource"] for q in questions if q["resource"]]),
            "resource_titles": dict(await resources.resource_choices(include=[q["resource"] for q in questions if q["resource"]])),
            "sessions": await programme.sessions_of(event["id"]),
            "runs": await quiz_service.runs_of_quiz(quiz["id"]),
            "errors": _translated(request, errors),
            "form": form or {},
            "editing": editing,
            "kinds": quiz_service.KINDS,
        },
        status_code=status,
    )


@get("/organiser/events/{slug:str}/quizzes/{quiz_id:int}", guards=[organiser_guard], include_in_schema=False)
async def quiz_page(request: Request, slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    quiz, event = await _quiz_in_event(slug, quiz_id, current_user)
    return await _quiz_page(request, event, quiz)


@get(
    "/organiser/events/{slug:str}/quizzes/{quiz_id:int}/questions/{question_id:int}",
    guards=[organiser_guard],
    include_in_schema=False,
)
async def question_edit_page(
    request: Request, slug: FromPath[str], quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep
) -> Template:
    quiz, event = await _quiz_in_event(slug, quiz_id, current_user)
    question = next((q for q in await quiz_service.questions_of(quiz_id) if q["id"] == question_id), None)
    if question is None:
        raise NotFound(N_("No question with this number in this quiz"))
    form: dict[str, Any] = {k: question[k] for k in ("kind", "text", "time_limit_s", "points", "learn_more_url", "learn_more_title")}
    form["resource"] = question["resource"] or ""
    for i, option in enumerate(question["options"], start=1):
        form[f"option_{i}"] = option["text"]
        form[f"correct_{i}"] = "on" if option["correct"] else ""
    if question["kind"] == "truefalse":
        form["truefalse"] = "true" if question["options"] and question["options"][0]["correct"] else "false"
    return await _quiz_page(request, event, quiz, form=form, editing=question_id)


@post("/organiser/events/{slug:str}/quizzes/{quiz_id:int}", guards=[organiser_guard], include_in_schema=False)
async def quiz_update(
    request: Request,
    slug: FromPath[str],
    quiz_id: FromPath[int],
    current_user: CurrentUserDep,
    data: Annotated[QuizForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    quiz, event = await _quiz_in_event(slug, quiz_id, current_user)
    try:
        await quiz_service.update_quiz(quiz, data.title, _session_id(data.session), bool(data.accuracy_only))
    except RuleViolation as exc:
        return await _quiz_page(request, event, quiz, errors=exc.errors, status=400)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}", status_code=303)


@post("/organiser/events/{slug:str}/quizzes/{quiz_id:int}/delete", guards=[organiser_guard], include_in_schema=False)
async def quiz_delete(slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> Redirect:
    await _quiz_in_event(slug, quiz_id, current_user)
    await quiz_service.delete_quiz(quiz_id)
    return Redirect(path=f"/organiser/events/{slug}/quizzes", status_code=303)


async def _save_question(request, slug, quiz_id, question_id, current_user, engine, data: QuestionForm):
    quiz, event = await _quiz_in_event(slug, quiz_id, current_user)
    try:
        await quiz_service.save_question(engine, quiz, _question_input(data), question_id, event.get("language", "nl"))
    except RuleViolation as exc:
        return await _quiz_page(
            request, event, quiz, errors=exc.errors or {"text": exc.message}, form=msgspec.structs.asdict(data),
            editing=question_id, status=exc.status_code,
        )
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}#questions", status_code=303)


@post("/organiser/events/{slug:str}/quizzes/{quiz_id:int}/questions", guards=[organiser_guard], include_in_schema=False)
async def question_add(
    request: Request,
    slug: FromPath[str],
    quiz_id: FromPath[int],
    current_user: CurrentUserDep,
    engine: EngineDep,
    data: Annotated[QuestionForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    return await _save_question(request, slug, quiz_id, None, current_user, engine, data)


@post(
    "/organiser/events/{slug:str}/quizzes/{quiz_id:int}/questions/{question_id:int}",
    guards=[organiser_guard],
    include_in_schema=False,
)
async def question_save(
    request: Request,
    slug: FromPath[str],
    quiz_id: FromPath[int],
    question_id: FromPath[int],
    current_user: CurrentUserDep,
    engine: EngineDep,
    data: Annotated[QuestionForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    return await _save_question(request, slug, quiz_id, question_id, current_user, engine, data)


class MoveForm(Struct):
    direction: str = "down"


@post(
    "/organiser/events/{slug:str}/quizzes/{quiz_id:int}/questions/{question_id:int}/move",
    guards=[organiser_guard],
    include_in_schema=False,
)
async def question_move(
    slug: FromPath[str],
    quiz_id: FromPath[int],
    question_id: FromPath[int],
    current_user: CurrentUserDep,
    engine: EngineDep,
    data: Annotated[MoveForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    quiz, _event = await _quiz_in_event(slug, quiz_id, current_user)
    await quiz_service.move_question(engine, quiz, question_id, -1 if data.direction == "up" else 1)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}#question-{question_id}", status_code=303)


@post(
    "/organiser/events/{slug:str}/quizzes/{quiz_id:int}/questions/{question_id:int}/delete",
    guards=[organiser_guard],
    include_in_schema=False,
)
async def question_delete(
    slug: FromPath[str], quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep
) -> Redirect:
    quiz, _event = await _quiz_in_event(slug, quiz_id, current_user)
    await quiz_service.delete_question(engine, quiz, question_id)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}#questions", status_code=303)


@get(
    "/organiser/events/{slug:str}/quizzes/{quiz_id:int}/export.json",
    guards=[organiser_guard],
    include_in_schema=False,
)
async def quiz_export_download(slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> Response:
    quiz, _event = await _quiz_in_event(slug, quiz_id, current_user)
    data = quiz_service.export_quiz_data(quiz, await quiz_service.questions_of(quiz_id))
    return Response(
        msgspec.json.format(msgspec.json.encode(data), indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="quiz-{quiz_id}.json"'},
    )


@post("/organiser/events/{slug:str}/quizzes/{quiz_id:int}/runs", guards=[organiser_guard], include_in_schema=False)
async def run_open(request: Request, slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep) -> Template | Redirect:
    quiz, event = await _quiz_in_event(slug, quiz_id, current_user)
    try:
        run = await quiz_service.open_run(quiz_id, current_user.id, clock.now())
    except RuleViolation as exc:
        return await _quiz_page(request, event, quiz, errors={"run": exc.message}, status=exc.status_code)
    return Redirect(path=f"/organiser/quiz-runs/{run['id']}/host", status_code=303)


# --- API: authoring ------------------------------------------------------------------------------------------


@get("/api/events/{slug:str}/quizzes/{quiz_id:int}/export", guards=[organiser_guard], tags=["quiz"], summary="Export a quiz as JSON")
async def api_quiz_export(slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> QuizExport:
    quiz, _event = await _quiz_in_event(slug, quiz_id, current_user)
    return msgspec.convert(quiz_service.export_quiz_data(quiz, await quiz_service.questions_of(quiz_id)), QuizExport)


@post("/api/events/{slug:str}/quizzes/import", guards=[organiser_guard], tags=["quiz"], summary="Create a quiz from exported JSON", status_code=201)
async def api_quiz_import(slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    event = await programme.event_for_organiser(slug, current_user)
    quiz_id = await quiz_service.import_quiz(engine, event, data)
    return {"id": quiz_id, "url": f"/organiser/events/{slug}/quizzes/{quiz_id}"}


# --- hosting -------------------------------------------------------------------------------------------------


@get("/organiser/quiz-runs/{run_id:int}/host", guards=[organiser_guard], include_in_schema=False)
async def host_page(run_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep) -> Template:
    run, quiz, event = await quiz_service.run_for_host(run_id, current_user)
    return Template(
        "quiz/host.html",
        context={"run": run, "quiz": quiz, "event": event, "join_url": f"{settings.base_url}/quiz?code={run['join_code']}",
                 "base_url": settings.base_url},
        headers=NO_STORE,
    )


@get("/organiser/quiz-runs/{run_id:int}/qr.svg", guards=[organiser_guard], include_in_schema=False)
async def host_qr(run_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep) -> Response:
    run, _quiz, _event = await quiz_service.run_for_host(run_id, current_user)
    image = qrcode.make(
        f"{settings.base_url}/quiz?code={run['join_code']}", image_factory=qrcode.image.svg.SvgPathImage, box_size=10
    )
    return Response(image.to_string(), media_type="image/svg+xml", headers=NO_STORE)


HOST_ACTIONS = ("next", "reveal", "leaderboard", "end")


async def do_host_action(engine, channels: ChannelsPlugin, run_id: int, action: str, now) -> dict[str, Any]:
    if action == "next":
        message = await quiz_service.start_next_question(engine, run_id, now)
    elif action == "reveal":
        message = await quiz_service.reveal(engine, run_id, now)
    elif action == "leaderboard":
        message = await quiz_service.show_leaderboard(engine, run_id)
    else:
        message = await quiz_service.finish_run(engine, run_id, now)
    await hub.publish(channels, {"type": message["type"], "run_id": run_id, **message})
    return message


@post(
    "/api/quiz/runs/{run_id:int}/{action:str}",
    guards=[organiser_guard],
    tags=["quiz"],
    summary="Host action: next (question), reveal, leaderboard, end",
    status_code=200,
)
async def api_host_action(
    request: Request, run_id: FromPath[int], action: FromPath[str], current_user: CurrentUserDep, engine: EngineDep, clock: ClockDep
) -> HostActionDone:
    if action not in HOST_ACTIONS:
        raise NotFound(N_("Unknown host action"))
    await quiz_service.run_for_host(run_id, current_user)
    message = await do_host_action(engine, request.app.plugins.get(ChannelsPlugin), run_id, action, clock.now())
    return HostActionDone(run_id=run_id, status=_status_after(message["type"]), message=message)


def _status_after(message_type: str) -> str:
    return {"question": "question", "reveal": "reveal", "leaderboard": "leaderboard", "finished": "finished"}[message_type]


@post(
    "/api/quiz/runs/{run_id:int}/players/{player_id:int}/remove",
    guards=[organiser_guard],
    tags=["quiz"],
    summary="Remove a player from a run (their token stops working)",
    status_code=200,
)
async def api_remove_player(
    request: Request, run_id: FromPath[int], player_id: FromPath[int], current_user: CurrentUserDep
) -> dict[str, Any]:
    await quiz_service.run_for_host(run_id, current_user)
    if not await quiz_service.remove_player(run_id, player_id):
        raise NotFound(N_("No player with this number in this run"))
    await hub.publish(
        request.app.plugins.get(ChannelsPlugin), {"type": "player_removed", "run_id": run_id, "player_id": player_id}
    )
    return {"run_id": run_id, "player_id": player_id, "removed": True}


# --- results -------------------------------------------------------------------------------------------------


@get("/organiser/quiz-runs/{run_id:int}/results", guards=[organiser_guard], include_in_schema=False)
async def results_page(run_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    run, quiz, event = await quiz_service.run_for_host(run_id, current_user)
    return Template(
        "quiz/results.html",
        context={"run": run, "quiz": quiz, "event": event, "results": await quiz_service.results(run_id)},
    )


@get("/organiser/quiz-runs/{run_id:int}/results.csv", guards=[organiser_guard], include_in_schema=False)
async def results_csv(request: Request, run_id: FromPath[int], current_user: CurrentUserDep) -> Response:
    await quiz_service.run_for_host(run_id, current_user)
    body = quiz_service.results_csv(await quiz_service.results(run_id), language_of(request))
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="quiz-run-{run_id}.csv"', **NO_STORE},
    )


@get("/api/quiz/runs/{run_id:int}/results", guards=[organiser_guard], tags=["quiz"], summary="Stored results of a run")
async def api_results(run_id: FromPath[int], current_user: CurrentUserDep) -> RunResults:
    run, _quiz, _event = await quiz_service.run_for_host(run_id, current_user)
    data = await quiz_service.results(run_id)
    return RunResults(
        run_id=run_id,
        status=run["status"],
        standings=[
            PlayerResult(
                rank=r["rank"], nickname=r["nickname"], score=r["score"], correct_answers=r["correct"],
                total_response_ms=r["total_response_ms"],
                response_ms=[a["response_ms"] if a else None for a in r["by_question"]],
            )
            for r in data["standings"]
        ],
        questions=[
            {"text": q["question"]["text"], "kind": q["question"]["kind"], "answered": q["answered"],
             "distribution": [{"text": o["text"], "correct": o["correct"], "count": o["count"]} for o in q["distribution"]]}
            for q in data["questions"]
        ],
    )


# --- players -------------------------------------------------------------------------------------------------


class JoinForm(Struct):
    code: str = ""
    nickname: str = ""


def _play_page(
    request: Request, code: str = "", nickname: str = "", errors: dict | None = None, joined=None, status: int = 200
) -> Template:
    return Template(
        "quiz/play.html",
        context={"code": code, "nickname": nickname, "errors": _translated(request, errors), "joined": joined},
        status_code=status,
        headers=NO_STORE,
    )


@get("/quiz", include_in_schema=False)
async def play_page(request: Request, code: Annotated[str | None, QueryParameter(name="code", max_length=20)] = None) -> Template:
    return _play_page(request, code=code or "")


@post("/quiz", include_in_schema=False)
async def play_join(
    request: Request, data: Annotated[JoinForm, Body(media_type=RequestEncodingType.URL_ENCODED)], clock: ClockDep
) -> Template:
    try:
        joined = await quiz_service.join_run(data.code, data.nickname, clock.now())
    except RuleViolation as exc:
        return _play_page(request, data.code, data.nickname, exc.errors or {"code": exc.message}, status=exc.status_code)
    await _announce(request, joined)
    return _play_page(request, data.code, joined.nickname, joined=joined, status=201)


async def _announce(request: Request, joined: quiz_service.JoinedPlayer) -> None:
    if request.scope.get("session") == {}:
        # Players have no account: do not write an empty server-side session (and cookie) for each of them.
        request.clear_session()
    await hub.publish(
        request.app.plugins.get(ChannelsPlugin),
        {"type": "player_joined", "run_id": joined.run_id, "player_id": joined.player_id, "nickname": joined.nickname},
        to_host_only=True,
    )


@post("/api/quiz/join", opt={"skip_session": True}, tags=["quiz"], summary="Join an open quiz run with its code and a nickname", status_code=201)
async def api_join(request: Request, data: JSONBody[JoinRequest], clock: ClockDep) -> JoinResponse:
    joined = await quiz_service.join_run(data.code, data.nickname, clock.now())
    await _announce(request, joined)
    return JoinResponse(
        player_token=joined.token, player_id=joined.player_id, run_id=joined.run_id, nickname=joined.nickname,
        socket_url="/ws/quiz/play",
    )


@contextlib.asynccontextmanager
async def statement_writers_lifespan(app: Any) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await statement_writer.close_statement_writers()


LIFESPAN = [statement_writers_lifespan]

ROUTES = [
    quizzes_page,
    quiz_create,
    quiz_import_form,
    quiz_page,
    question_edit_page,
    quiz_update,
    quiz_delete,
    question_add,
    question_save,
    question_move,
    question_delete,
    quiz_export_download,
    run_open,
    api_quiz_export,
    api_quiz_import,
    host_page,
    host_qr,
    api_host_action,
    api_remove_player,
    results_page,
    results_csv,
    api_results,
    play_page,
    play_join,
    api_join,
    hub.play_socket,
    hub.host_socket,
]
