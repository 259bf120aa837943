"""The organiser's evaluation pages of an event: the results (per question, the live ratings, the chart and its
table), the CSV export, and the question editor (add, edit, reorder, delete; the no-shows option). Members read;
editors change."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from events.evaluation import service
from events.evaluation.tables import QuestionKind
from events.kernel.errors import RuleViolation
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.i18n import language_of

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
GUARD = {"guards": [organiser_guard], "include_in_schema": False}
BASE = "/organiser/events/{slug:str}/evaluation"
NO_STORE = {"cache-control": "no-store"}


@get(BASE, name="evaluation:results", **GUARD)
async def results_page(request: Request, current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    language = language_of(request)
    results = await service.results(event, language)
    return Template("evaluation/results.html", headers=NO_STORE, context={
        "event": event, "results": results, "chart": Markup(service.summary_svg(results, language)),  # noqa: S704 - every text in it is escaped
        "chart_rows": service.chart_rows(results, language),
    })


@get(BASE + "/export", name="evaluation:export", **GUARD)
async def results_export(request: Request, current_user: CurrentUserDep, slug: FromPath[str], clock: ClockDep) -> Response:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    body = await service.results_csv(event, current_user, clock.now(), language_of(request))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="evaluation-{event["slug"]}.csv"', **NO_STORE,
    })


async def _editor(event: dict[str, Any], values: dict | None = None, errors: dict | None = None, edited: str = "",
                  status_code: int = 200) -> Template:
    return Template("evaluation/questions.html", status_code=status_code, headers=NO_STORE, context={
        "event": event, "questions": await service.questions_of(event["id"]), "form": await service.form_of(event["id"]),
        "kinds": [k.value for k in QuestionKind], "values": values or {}, "errors": errors or {}, "edited": edited,
    })


@get(BASE + "/questions", name="evaluation:questions", **GUARD)
async def questions_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    return await _editor(await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER))


@post(BASE + "/questions", name="evaluation:add", **GUARD)
async def add_question(current_user: CurrentUserDep, slug: FromPath[str], data: FormBody) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        await service.add_question(event["id"], data)
    except RuleViolation as exc:
        return await _editor(event, data, exc.errors, status_code=400)
    return Redirect(f"/organiser/events/{slug}/evaluation/questions", status_code=303)


@post(BASE + "/questions/{question_key:str}/edit", name="evaluation:edit", **GUARD)
async def edit_question(current_user: CurrentUserDep, slug: FromPath[str], question_key: FromPath[str], data: FormBody) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        await service.update_question(event["id"], question_key, data)
    except RuleViolation as exc:
        if exc.status_code != 400:
            raise
        return await _editor(event, data, exc.errors, edited=question_key, status_code=400)
    return Redirect(f"/organiser/events/{slug}/evaluation/questions", status_code=303)


@post(BASE + "/questions/{question_key:str}/delete", name="evaluation:delete", **GUARD)
async def delete_question(current_user: CurrentUserDep, slug: FromPath[str], question_key: FromPath[str]) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await service.delete_question(event["id"], question_key)
    return Redirect(f"/organiser/events/{slug}/evaluation/questions", status_code=303)


@post(BASE + "/questions/{question_key:str}/{action:str}", name="evaluation:move", **GUARD)
async def move_question(current_user: CurrentUserDep, slug: FromPath[str], question_key: FromPath[str], action: FromPath[str]) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    if action not in ("up", "down"):
        raise RuleViolation("Move a question up or down", status_code=404)
    await service.move_question(event["id"], question_key, action)
    return Redirect(f"/organiser/events/{slug}/evaluation/questions", status_code=303)


@post(BASE + "/settings", name="evaluation:settings", **GUARD)
async def save_settings(current_user: CurrentUserDep, slug: FromPath[str], data: FormBody) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await service.set_no_shows_may_answer(event["id"], bool(data.get("no_shows_may_answer")))
    return Redirect(f"/organiser/events/{slug}/evaluation/questions", status_code=303)


ROUTES = [results_page, results_export, questions_page, add_question, edit_question, delete_question, move_question,
          save_settings]
