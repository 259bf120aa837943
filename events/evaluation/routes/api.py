"""The evaluation API of an event: its results (members), its questions (list: members; add, change, move and
delete: editors) and its options. Questions are named by their `key` ("overall", "q12"), so a default the
organiser has not edited yet has an address too."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET

from events.evaluation import service
from events.evaluation.rows import QuestionRow
from events.evaluation.schemas import (
    EvaluationResults,
    FormOut,
    FormPatch,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
)
from events.kernel.errors import NotFound
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import CurrentUserDep
from events.web.i18n import language_of

BASE = "/api/events/{slug:str}/evaluation"
API = {"guards": [organiser_guard], "tags": ["evaluation"], "security": [{"BearerToken": []}]}
MAX_PER_PAGE = 100


def _out(question: QuestionRow) -> QuestionOut:
    return msgspec.convert(question.as_json(), QuestionOut)


@get(BASE, summary="The evaluation's results: per question counts, averages, open answers; the live ratings", **API)
async def api_results(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> EvaluationResults:
    """Open answers carry a name only when the participant agreed to share it."""
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return msgspec.convert(await service.results(event, language_of(request)), EvaluationResults)


@patch(BASE, summary="Change the evaluation's options (editors)", **API)
async def api_form(slug: FromPath[str], current_user: CurrentUserDep, data: JSONBody[FormPatch]) -> FormOut:
    event = await programme.event_for_organiser(slug, current_user)
    await service.set_no_shows_may_answer(event["id"], data.no_shows_may_answer)
    form = await service.form_of(event["id"])
    return FormOut(customised=bool(form["customised"]), no_shows_may_answer=bool(form["no_shows_may_answer"]))


@get(BASE + "/questions", summary="The evaluation's questions in their order", **API)
async def api_questions(slug: FromPath[str], current_user: CurrentUserDep, page: FromQuery[int] = 1,
                        per_page: FromQuery[int] = 50) -> QuestionPage:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    questions = await service.questions_of(event["id"])
    items = questions[(page - 1) * per_page: page * per_page]
    return QuestionPage(items=[_out(q) for q in items], total=len(questions), page=page, per_page=per_page)


@post(BASE + "/questions", status_code=201, summary="Add a question at the end (editors)", **API)
async def api_add_question(slug: FromPath[str], current_user: CurrentUserDep, data: JSONBody[QuestionIn]) -> QuestionOut:
    event = await programme.event_for_organiser(slug, current_user)
    return _out(await service.add_question(event["id"], msgspec.to_builtins(data)))


async def _question(event_id: int, key: str) -> QuestionRow:
    found = next((q for q in await service.questions_of(event_id) if q.key == key), None)
    if found is None:
        raise NotFound(service.NO_QUESTION)
    return found


@patch(BASE + "/questions/{question_key:str}", summary="Change or move a question (editors)", **API)
async def api_update_question(slug: FromPath[str], question_key: FromPath[str], current_user: CurrentUserDep,
                              data: JSONBody[QuestionPatch]) -> QuestionOut:
    event = await programme.event_for_organiser(slug, current_user)
    current = (await _question(event["id"], question_key)).as_json()
    changes: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET and k != "position"}
    if changes:
        await service.update_question(event["id"], question_key, {**current, **changes})
    if data.position is not UNSET:
        await service.move_question(event["id"], question_key, data.position)
    return _out(await _question(event["id"], question_key))


@delete(BASE + "/questions/{question_key:str}", status_code=204, summary="Delete a question (editors)", **API)
async def api_delete_question(slug: FromPath[str], question_key: FromPath[str], current_user: CurrentUserDep) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await service.delete_question(event["id"], question_key)


ROUTES = [api_results, api_form, api_questions, api_add_question, api_update_question, api_delete_question]
