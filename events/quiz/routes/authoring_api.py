"""The quiz's authoring operations under `/api` — what the back office does with forms: create, edit and delete
quizzes, and add, change, reorder and delete their questions. Organisers only (editors of the event's
organisation; another organisation's quiz is 404). The rules are the same service calls the forms make."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody
from msgspec import UNSET, Meta, Struct, UnsetType

from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.quiz import service
from events.quiz.rows import QuestionRow, QuizRow
from events.quiz.schemas import ExportOption
from events.quiz.service import QuestionInput
from events.web.auth import organiser_guard
from events.web.deps import CurrentUserDep, EngineDep
from events.web.pagination import PAGE_HEADERS, PagingDep

ORGANISER = {"guards": [organiser_guard], "tags": ["quiz authoring"]}


class QuizRequest(Struct):
    title: Annotated[str, Meta(max_length=400)]
    session_id: int | None = None
    accuracy_only: bool = False


class QuizChange(Struct):
    title: Annotated[str, Meta(max_length=400)] | UnsetType = UNSET
    session_id: int | None | UnsetType = UNSET
    accuracy_only: bool | UnsetType = UNSET


class QuestionRequest(Struct):
    kind: Annotated[str, Meta(description="single | multiple | truefalse | poll")]
    text: Annotated[str, Meta(max_length=1000)]
    time_limit_s: Annotated[int, Meta(ge=5, le=300, description="seconds to answer, 5 to 300")] = 20
    points: Annotated[int, Meta(ge=0, le=2000)] = 1000
    options: Annotated[list[ExportOption], Meta(max_length=10)] = []
    learn_more_url: Annotated[str, Meta(max_length=500)] = ""
    learn_more_title: Annotated[str, Meta(max_length=200)] = ""


class MoveRequest(Struct):
    direction: Literal["up", "down"]


def quiz_json(quiz: QuizRow, questions: list[QuestionRow]) -> dict[str, Any]:
    return {"id": quiz.id, "event_id": quiz.event, "session_id": quiz.session, "title": quiz.title,
            "accuracy_only": quiz.accuracy_only, "questions": [question_json(q) for q in questions]}


def question_json(q: QuestionRow) -> dict[str, Any]:
    return {"id": q.id, "position": q.position, "kind": q.kind, "text": q.text, "time_limit_s": q.time_limit_s,
            "points": q.points, "learn_more_url": q.learn_more_url, "learn_more_title": q.learn_more_title,
            "options": [{"id": o.id, "text": o.text, "correct": o.correct} for o in q.options]}


async def _quiz(quiz_id: int, user: Any) -> tuple[QuizRow, dict[str, Any]]:
    return await service.quiz_for_organiser(quiz_id, user)


async def _answer(quiz_id: int) -> dict[str, Any]:
    quiz = await service.quiz_by_id(quiz_id)
    return quiz_json(quiz, await service.questions_of(quiz_id))


@post("/api/events/{slug:str}/quizzes", summary="Create a quiz", status_code=201, **ORGANISER)
async def api_create_quiz(slug: FromPath[str], current_user: CurrentUserDep, data: JSONBody[QuizRequest]) -> dict[str, Any]:
    event = await programme.event_for_organiser(slug, current_user)
    return await _answer(await service.create_quiz(event["id"], data.title, data.session_id, data.accuracy_only))


@get("/api/quizzes/{quiz_id:int}", summary="A quiz with its questions (and their ids)", **ORGANISER)
async def api_quiz(quiz_id: FromPath[int], current_user: CurrentUserDep) -> dict[str, Any]:
    await service.quiz_for_organiser(quiz_id, current_user, OrgRole.VIEWER)  # viewers read quizzes
    return await _answer(quiz_id)


@patch("/api/quizzes/{quiz_id:int}", summary="Change a quiz's title, session or scoring", **ORGANISER)
async def api_change_quiz(quiz_id: FromPath[int], current_user: CurrentUserDep, data: JSONBody[QuizChange]) -> dict[str, Any]:
    quiz, _event = await _quiz(quiz_id, current_user)
    await service.update_quiz(
        quiz, quiz.title if data.title is UNSET else data.title, quiz.session if data.session_id is UNSET else data.session_id,
        quiz.accuracy_only if data.accuracy_only is UNSET else data.accuracy_only,
    )
    return await _answer(quiz_id)


@delete("/api/quizzes/{quiz_id:int}", summary="Delete a quiz", status_code=204, **ORGANISER)
async def api_delete_quiz(quiz_id: FromPath[int], current_user: CurrentUserDep) -> None:
    await _quiz(quiz_id, current_user)
    await service.delete_quiz(quiz_id)


def _input(data: QuestionRequest) -> QuestionInput:
    return QuestionInput(kind=data.kind, text=data.text, time_limit_s=data.time_limit_s, points=data.points,
                         options=[(o.text, o.correct) for o in data.options], learn_more_url=data.learn_more_url,
                         learn_more_title=data.learn_more_title)


@post("/api/quizzes/{quiz_id:int}/questions", summary="Add a question at the end", status_code=201, **ORGANISER)
async def api_add_question(quiz_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep,
                           data: JSONBody[QuestionRequest]) -> dict[str, Any]:
    quiz, event = await _quiz(quiz_id, current_user)
    await service.save_question(engine, quiz, _input(data), None, event.get("language", "nl"))
    return await _answer(quiz_id)


@put("/api/quizzes/{quiz_id:int}/questions/{question_id:int}", summary="Replace a question", **ORGANISER)
async def api_replace_question(quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep,
                               engine: EngineDep, data: JSONBody[QuestionRequest]) -> dict[str, Any]:
    quiz, event = await _quiz(quiz_id, current_user)
    await service.save_question(engine, quiz, _input(data), question_id, event.get("language", "nl"))
    return await _answer(quiz_id)


@post("/api/quizzes/{quiz_id:int}/questions/{question_id:int}/move", summary="Move a question one place up or down",
      status_code=200, **ORGANISER)
async def api_move_question(quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep,
                            engine: EngineDep, data: JSONBody[MoveRequest]) -> dict[str, Any]:
    quiz, _event = await _quiz(quiz_id, current_user)
    await service.move_question(engine, quiz, question_id, -1 if data.direction == "up" else 1)
    return await _answer(quiz_id)


@delete("/api/quizzes/{quiz_id:int}/questions/{question_id:int}", summary="Delete a question", status_code=204,
        **ORGANISER)
async def api_delete_question(quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep) -> None:
    quiz, _event = await _quiz(quiz_id, current_user)
    if question_id not in [q.id for q in await service.questions_of(quiz_id)]:
        raise NotFound(N_("No question with this number in this quiz"))
    await service.delete_question(quiz, question_id)


@get("/api/events/{slug:str}/quizzes", summary="The event's quizzes (paginated), each with its number of questions",
     response_headers=PAGE_HEADERS, **ORGANISER)
async def api_quizzes(slug: FromPath[str], current_user: CurrentUserDep, paging: PagingDep) -> Response[list[dict[str, Any]]]:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return paging.answer_all([
        {"id": q.id, "event_id": q.event, "session_id": q.session, "title": q.title, "accuracy_only": q.accuracy_only,
         "question_count": q.question_count}
        for q in await service.quizzes_of_event(event["id"])
    ])


ROUTES = [api_quizzes, api_create_quiz, api_quiz, api_change_quiz, api_delete_quiz, api_add_question, api_replace_question,
          api_move_question, api_delete_question]
