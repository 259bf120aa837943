"""The organiser's quiz pages: an event's quizzes, a quiz and its questions, its JSON download, opening a live run,
the host screen and its QR code, and a run's results (page and CSV); plus the quizzes section of the organiser's
event page."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import qrcode
import qrcode.image.svg
from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import Section
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.quiz import service
from events.quiz.routes.pages import (
    NO_STORE,
    ImportForm,
    MoveForm,
    QuestionForm,
    QuizForm,
    question_form_values,
)
from events.quiz.rows import QuizRow
from events.resources import service as resources
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, EngineDep, SettingsDep
from events.web.forms import translated
from events.web.i18n import language_of

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
ORGANISER = {"guards": [organiser_guard], "include_in_schema": False}
QUIZ = "/organiser/events/{slug:str}/quizzes/{quiz_id:int}"
QUESTION = QUIZ + "/questions/{question_id:int}"
RUN = "/organiser/quiz-runs/{run_id:int}"
# Before the event's resources and materials (60 each), as it stood while sections registered at import time.
QUIZZES_SECTION_ORDER = 55


async def quizzes_panel(event: dict[str, Any], request: Request, current_user: Any = None, **_: Any) -> Section:
    """The "organiser_event" section: the event's quizzes on the organiser's event page."""
    return Section(
        template="quiz/panel_organiser_event.html",
        context={"event": event, "quizzes": await service.quizzes_of_event(event["id"])},
        order=QUIZZES_SECTION_ORDER,
    )


# --- an event's quizzes --------------------------------------------------------------------------------------


async def _list_page(
    request: Request, event: dict[str, Any], errors: dict | None = None, form: dict | None = None, status: int = 200
) -> Template:
    return Template(
        "quiz/quizzes.html",
        context={
            "event": event,
            "quizzes": await service.quizzes_of_event(event["id"]),
            "sessions": await programme.sessions_of(event["id"]),
            "errors": translated(request, errors),
            "form": form or {},
        },
        status_code=status,
    )


@get("/organiser/events/{slug:str}/quizzes", **ORGANISER)
async def quizzes_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    return await _list_page(request, await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER))


@post("/organiser/events/{slug:str}/quizzes", **ORGANISER)
async def quiz_create(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, data: Annotated[QuizForm, FORM]
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        quiz_id = await service.create_quiz(event["id"], data.title, data.session_id(), bool(data.accuracy_only))
    except RuleViolation as exc:
        return await _list_page(request, event, exc.errors or {"title": exc.message}, msgspec.structs.asdict(data), 400)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}", status_code=303)


def _import_message(request: Request, exc: RuleViolation) -> str:
    """The import's refusal in the visitor's language, with the number of the question that failed."""
    language = language_of(request)
    message = gettext_for(language, exc.message)
    if "questions" in exc.errors:
        number, _sep, problem = exc.errors["questions"].partition(": ")
        message += f" ({number}: {gettext_for(language, problem)})" if problem else f" ({number})"
    return message


@post("/organiser/events/{slug:str}/quizzes/import", **ORGANISER)
async def quiz_import_form(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, engine: EngineDep,
    data: Annotated[ImportForm, FORM],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        try:
            parsed = msgspec.json.decode(data.quiz_json.encode())
        except msgspec.DecodeError:
            raise RuleViolation(N_("This is not an exported quiz (JSON with a list of questions)")) from None
        quiz_id = await service.import_quiz(engine, event, parsed)
    except RuleViolation as exc:
        return await _list_page(request, event, {"quiz_json": _import_message(request, exc)}, {"quiz_json": data.quiz_json}, 400)
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}", status_code=303)


# --- a quiz and its questions --------------------------------------------------------------------------------


async def _quiz_page(
    request: Request, event: dict[str, Any], quiz: QuizRow, errors: dict | None = None, form: dict | None = None,
    editing: int | None = None, status: int = 200,
) -> Template:
    questions = await service.questions_of(quiz.id)
    # The shared library and the event organisation's own entries: never another organisation's titles.
    choices = await resources.resource_choices(
        include=[q.resource for q in questions if q.resource], keepers=[event["organisation"]]
    )
    return Template(
        "quiz/quiz.html",
        context={
            "event": event,
            "quiz": quiz,
            "questions": questions,
            "resource_choices": choices,
            "resource_titles": dict(choices),
            "sessions": await programme.sessions_of(event["id"]),
            "runs": await service.runs_of_quiz(quiz.id),
            "errors": translated(request, errors),
            "form": form or {},
            "editing": editing,
        },
        status_code=status,
    )


def _quiz_url(slug: str, quiz_id: int, anchor: str = "") -> Redirect:
    return Redirect(path=f"/organiser/events/{slug}/quizzes/{quiz_id}{anchor}", status_code=303)


@get(QUIZ, **ORGANISER)
async def quiz_page(request: Request, slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    quiz, event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user, OrgRole.VIEWER)
    return await _quiz_page(request, event, quiz)


@get(QUESTION, **ORGANISER)
async def question_edit_page(
    request: Request, slug: FromPath[str], quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep
) -> Template:
    quiz, event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    question = next((q for q in await service.questions_of(quiz_id) if q.id == question_id), None)
    if question is None:
        raise NotFound(N_("No question with this number in this quiz"))
    return await _quiz_page(request, event, quiz, form=question_form_values(question), editing=question_id)


@post(QUIZ, **ORGANISER)
async def quiz_update(
    request: Request, slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep,
    data: Annotated[QuizForm, FORM],
) -> Template | Redirect:
    quiz, event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    try:
        await service.update_quiz(quiz, data.title, data.session_id(), bool(data.accuracy_only))
    except RuleViolation as exc:
        return await _quiz_page(request, event, quiz, errors=exc.errors, status=400)
    return _quiz_url(slug, quiz_id)


@post(QUIZ + "/delete", **ORGANISER)
async def quiz_delete(slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> Redirect:
    await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    await service.delete_quiz(quiz_id)
    return Redirect(path=f"/organiser/events/{slug}/quizzes", status_code=303)


async def _save_question(
    request: Request, slug: str, quiz_id: int, question_id: int | None, current_user: Any, engine: Any,
    data: QuestionForm,
) -> Template | Redirect:
    quiz, event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    try:
        await service.save_question(engine, quiz, data.question_input(), question_id, event.get("language", "nl"))
    except RuleViolation as exc:
        return await _quiz_page(
            request, event, quiz, errors=exc.errors or {"text": exc.message}, form=msgspec.structs.asdict(data),
            editing=question_id, status=exc.status_code,
        )
    return _quiz_url(slug, quiz_id, "#questions")


@post(QUIZ + "/questions", **ORGANISER)
async def question_add(
    request: Request, slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep, engine: EngineDep,
    data: Annotated[QuestionForm, FORM],
) -> Template | Redirect:
    return await _save_question(request, slug, quiz_id, None, current_user, engine, data)


@post(QUESTION, **ORGANISER)
async def question_save(
    request: Request, slug: FromPath[str], quiz_id: FromPath[int], question_id: FromPath[int],
    current_user: CurrentUserDep, engine: EngineDep, data: Annotated[QuestionForm, FORM],
) -> Template | Redirect:
    return await _save_question(request, slug, quiz_id, question_id, current_user, engine, data)


@post(QUESTION + "/move", **ORGANISER)
async def question_move(
    slug: FromPath[str], quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep,
    engine: EngineDep, data: Annotated[MoveForm, FORM],
) -> Redirect:
    quiz, _event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    await service.move_question(engine, quiz, question_id, -1 if data.direction == "up" else 1)
    return _quiz_url(slug, quiz_id, f"#question-{question_id}")


@post(QUESTION + "/delete", **ORGANISER)
async def question_delete(
    slug: FromPath[str], quiz_id: FromPath[int], question_id: FromPath[int], current_user: CurrentUserDep
) -> Redirect:
    quiz, _event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    await service.delete_question(quiz, question_id)
    return _quiz_url(slug, quiz_id, "#questions")


@get(QUIZ + "/export.json", **ORGANISER)
async def quiz_export_download(slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep) -> Response:
    quiz, _event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user, OrgRole.VIEWER)
    data = service.export_quiz_data(quiz, await service.questions_of(quiz_id))
    return Response(
        msgspec.json.format(msgspec.json.encode(data), indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="quiz-{quiz_id}.json"'},
    )


# --- live runs: opening, hosting, results --------------------------------------------------------------------


@post(QUIZ + "/runs", **ORGANISER)
async def run_open(
    request: Request, slug: FromPath[str], quiz_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> Template | Redirect:
    quiz, event = await service.quiz_of_event_for_organiser(slug, quiz_id, current_user)
    try:
        run = await service.open_run(quiz_id, current_user.id, clock.now())
    except RuleViolation as exc:
        return await _quiz_page(request, event, quiz, errors={"run": exc.message}, status=exc.status_code)
    return Redirect(path=f"/organiser/quiz-runs/{run.id}/host", status_code=303)


def _join_url(base_url: str, join_code: str) -> str:
    return f"{base_url}/quiz?code={join_code}"


@get(RUN + "/host", **ORGANISER)
async def host_page(run_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep) -> Template:
    run, quiz, event = await service.run_for_host(run_id, current_user)
    return Template(
        "quiz/host.html",
        context={"run": run, "quiz": quiz, "event": event, "join_url": _join_url(settings.base_url, run.join_code),
                 "base_url": settings.base_url},
        headers=NO_STORE,
    )


@get(RUN + "/screen", **ORGANISER)
async def screen_page(run_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep) -> Template:
    """The beamer screen of a run: full screen, no site navigation and no buttons (the host page has the controls)."""
    run, quiz, event = await service.run_for_host(run_id, current_user)
    return Template(
        "quiz/screen.html",
        context={"run": run, "quiz": quiz, "event": event, "join_url": _join_url(settings.base_url, run.join_code),
                 "join_host": settings.base_url.split("://", 1)[-1]},
        headers=NO_STORE,
    )


@get(RUN + "/qr.svg", **ORGANISER)
async def host_qr(run_id: FromPath[int], current_user: CurrentUserDep, settings: SettingsDep) -> Response:
    run, _quiz, _event = await service.run_for_host(run_id, current_user)
    image = qrcode.make(
        _join_url(settings.base_url, run.join_code), image_factory=qrcode.image.svg.SvgPathImage, box_size=10
    )
    return Response(image.to_string(), media_type="image/svg+xml", headers=NO_STORE)


@get(RUN + "/results", **ORGANISER)
async def results_page(run_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    run, quiz, event = await service.run_for_host(run_id, current_user, OrgRole.VIEWER)
    return Template(
        "quiz/results.html",
        context={"run": run, "quiz": quiz, "event": event, "results": await service.results(run_id)},
    )


@get(RUN + "/results.csv", **ORGANISER)
async def results_csv(run_id: FromPath[int], current_user: CurrentUserDep) -> Response:
    await service.run_for_host(run_id, current_user, OrgRole.VIEWER)
    return Response(
        service.results_csv(await service.results(run_id)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="quiz-run-{run_id}.csv"', **NO_STORE},
    )


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
    host_page,
    screen_page,
    host_qr,
    results_page,
    results_csv,
]
