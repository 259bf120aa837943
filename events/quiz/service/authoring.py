"""Authoring: an organiser's quizzes and their questions — creating, changing, ordering and deleting them — and the
organiser's access to them. What a question must be to be saved is in `questions`."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.kernel.database import write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.ordering import moved
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.quiz.rows import OptionRow, QuestionRow, QuizRow
from events.quiz.service.questions import CheckedQuestion, QuestionInput, clean_text, validate_question
from events.quiz.tables import Answer, Option, Question, QuestionKind, Quiz, Run, RunStatus
from events.resources.tables import Resource

NO_QUIZ = N_("No quiz with this number")
TITLE_MAX = 200


async def quiz_by_id(quiz_id: int) -> QuizRow | None:
    row = await Quiz.select().where(Quiz.id == quiz_id).first()
    return QuizRow(**row) if row else None


async def quizzes_of_event(event_id: int) -> list[QuizRow]:
    quizzes = await Quiz.select().where(Quiz.event == event_id).order_by(Quiz.id)
    return [
        QuizRow(**quiz, question_count=await Question.count().where(Question.quiz == quiz["id"])) for quiz in quizzes
    ]


async def quiz_for_organiser(
    quiz_id: int, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR
) -> tuple[QuizRow, dict[str, Any]]:
    """The quiz and its event if this user has the `needed` role in the event's organisation: NotFound for a
    missing quiz and for another organisation's, Forbidden for a role too weak."""
    quiz = await quiz_by_id(quiz_id)
    if quiz is None:
        raise NotFound(NO_QUIZ)
    event = await programme.event_by_id(quiz.event)
    await programme.require_event_role(event, user, needed, missing=NO_QUIZ)
    return quiz, event


async def quiz_of_event_for_organiser(
    slug: str, quiz_id: int, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR
) -> tuple[QuizRow, dict[str, Any]]:
    """The quiz if it belongs to the event at this address and the user has the `needed` role for that event."""
    event = await programme.event_for_organiser(slug, user, needed)
    quiz, _event = await quiz_for_organiser(quiz_id, user, needed)
    if quiz.event != event["id"]:
        raise NotFound(NO_QUIZ)
    return quiz, event


async def _check_session(event_id: int, session_id: int | None) -> int | None:
    if not session_id:
        return None
    session = await programme.session_by_id(session_id)
    if session is None or session["event"] != event_id:
        raise RuleViolation(N_("Choose a session of this event"), {"session": N_("Choose a session of this event")})
    return session_id


def check_title(title: str) -> str:
    title = clean_text(title, TITLE_MAX)
    if not title:
        raise RuleViolation(N_("Give the quiz a title"), {"title": N_("Give the quiz a title")})
    if len(title) > TITLE_MAX:
        raise RuleViolation(N_("The title is too long"), {"title": N_("The title is too long")})
    return title


async def create_quiz(event_id: int, title: str, session_id: int | None = None, accuracy_only: bool = False) -> int:
    title = check_title(title)
    session_id = await _check_session(event_id, session_id)
    rows = await Quiz.insert(
        Quiz(event=event_id, session=session_id, title=title, accuracy_only=bool(accuracy_only))
    ).returning(Quiz.id)
    return rows[0]["id"]


async def update_quiz(quiz: QuizRow, title: str, session_id: int | None, accuracy_only: bool) -> None:
    title = check_title(title)
    session_id = await _check_session(quiz.event, session_id)
    await Quiz.update({Quiz.title: title, Quiz.session: session_id, Quiz.accuracy_only: bool(accuracy_only)}).where(
        Quiz.id == quiz.id
    )


async def delete_quiz(quiz_id: int) -> None:
    if await Run.exists().where((Run.quiz == quiz_id) & (Run.status != RunStatus.FINISHED)):
        raise Conflict(N_("End the live run of this quiz first"))
    await Quiz.delete().where(Quiz.id == quiz_id)


async def questions_of(quiz_id: int) -> list[QuestionRow]:
    """The quiz's questions in order, each with its options in order and its library resource's address."""
    questions = await Question.select().where(Question.quiz == quiz_id).order_by(Question.position).order_by(Question.id)
    if not questions:
        return []
    options = (
        await Option.select()
        .where(Option.question.is_in([q["id"] for q in questions]))
        .order_by(Option.position)
        .order_by(Option.id)
    )
    by_question: dict[int, list[OptionRow]] = {q["id"]: [] for q in questions}
    for option in options:
        by_question[option["question"]].append(OptionRow(**option))
    resource_ids = {q["resource"] for q in questions if q["resource"]}
    urls = {}
    if resource_ids:
        rows = await Resource.select(Resource.id, Resource.url).where(Resource.id.is_in(list(resource_ids)))
        urls = {r["id"]: r["url"] for r in rows}
    return [
        QuestionRow(
            **{**question, "kind": QuestionKind(question["kind"])},
            options=tuple(by_question[question["id"]]),
            resource_url=urls.get(question["resource"], ""),
        )
        for question in questions
    ]


async def _check_resource(resource_id: int | None, current: int | None = None) -> int | None:
    """A live resource (or the retired one the question already points at, so saving keeps it)."""
    if not resource_id:
        return None
    row = await Resource.select(Resource.id, Resource.retired_at).where(Resource.id == resource_id).first()
    if row is None or (row["retired_at"] is not None and resource_id != current):
        raise RuleViolation(N_("Choose a resource from the library"), {"resource": N_("Choose a resource from the library")})
    return resource_id


async def _refuse_while_played(quiz_id: int) -> None:
    if await Run.exists().where(
        (Run.quiz == quiz_id) & (Run.status != RunStatus.FINISHED) & (Run.status != RunStatus.LOBBY)
    ):
        raise Conflict(N_("Questions cannot change while the quiz is being played"))


async def add_questions(quiz_id: int, checked: list[CheckedQuestion], first_position: int) -> list[int]:
    """Writes checked questions and their options from `first_position` on (inside the caller's transaction)."""
    ids = []
    for position, question in enumerate(checked, start=first_position):
        rows = await Question.insert(Question(quiz=quiz_id, position=position, **question.columns())).returning(Question.id)
        ids.append(rows[0]["id"])
        await _write_options(ids[-1], question)
    return ids


async def _write_options(question_id: int, question: CheckedQuestion) -> None:
    await Option.insert(
        *[Option(question=question_id, position=i, text=t, correct=c) for i, (t, c) in enumerate(question.options)]
    )


async def save_question(
    engine: Engine, quiz: QuizRow, data: QuestionInput, question_id: int | None = None, language: str = "nl"
) -> int:
    """Adds a question at the end (or replaces one): the question and its options are written together."""
    checked = validate_question(data, language)
    current = None
    if question_id is not None:
        row = await Question.select(Question.resource).where(Question.id == question_id).first()
        current = row["resource"] if row else None
    checked = checked.with_resource(await _check_resource(data.resource_id, current))
    await _refuse_while_played(quiz.id)
    async with write_transaction(engine):
        if question_id is None:
            last = await Question.select(Question.position).where(Question.quiz == quiz.id).order_by(
                Question.position, ascending=False
            ).first()
            return (await add_questions(quiz.id, [checked], (last["position"] + 1) if last else 0))[0]
        found = await Question.exists().where((Question.id == question_id) & (Question.quiz == quiz.id))
        if not found:
            raise NotFound(N_("No question with this number in this quiz"))
        await Question.update({getattr(Question, k): v for k, v in checked.columns().items()}).where(
            Question.id == question_id
        )
        await Option.delete().where(Option.question == question_id)
        await _write_options(question_id, checked)
    return question_id


async def delete_question(quiz: QuizRow, question_id: int) -> None:
    await _refuse_while_played(quiz.id)
    if await Answer.exists().where(Answer.question == question_id):
        raise Conflict(N_("This question has stored answers; it stays for the results"))
    await Question.delete().where((Question.id == question_id) & (Question.quiz == quiz.id))


async def move_question(engine: Engine, quiz: QuizRow, question_id: int, offset: int) -> None:
    """Moves a question one place up (−1) or down (+1)."""
    await _refuse_while_played(quiz.id)
    async with write_transaction(engine):
        ids = [q["id"] for q in await Question.select(Question.id).where(Question.quiz == quiz.id).order_by(
            Question.position
        ).order_by(Question.id)]
        if question_id not in ids:
            raise NotFound(N_("No question with this number in this quiz"))
        for position, qid in enumerate(moved(ids, question_id, 1 if offset > 0 else -1)):
            await Question.update({Question.position: position}).where(Question.id == qid)
