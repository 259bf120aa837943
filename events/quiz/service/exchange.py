"""Quizzes as portable JSON: exporting one (no ids, resources by address) and creating a quiz from such a file."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine

from events.kernel.database import write_transaction
from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.quiz.rows import QuestionRow, QuizRow
from events.quiz.service.authoring import add_questions, check_title
from events.quiz.service.questions import CheckedQuestion, QuestionInput, validate_question
from events.quiz.tables import Quiz
from events.resources.tables import Resource

EXPORT_FORMAT = "events-quiz/1"
IMPORT_QUESTIONS_MAX = 200


def export_quiz_data(quiz: QuizRow, questions: list[QuestionRow]) -> dict[str, Any]:
    """A quiz as portable JSON (no ids): what `import_quiz` reads back."""
    return {
        "format": EXPORT_FORMAT,
        "title": quiz.title,
        "accuracy_only": quiz.accuracy_only,
        "questions": [
            {
                "kind": q.kind,
                "text": q.text,
                "time_limit_s": q.time_limit_s,
                "points": q.points,
                "learn_more_url": q.learn_more_url,
                "learn_more_title": q.learn_more_title,
                "resource_url": q.resource_url or "",
                "options": [{"text": o.text, "correct": o.correct} for o in q.options],
            }
            for q in questions
        ],
    }


async def _resource_by_url(url: Any) -> int | None:
    if not isinstance(url, str) or not url:
        return None
    row = await Resource.select(Resource.id).where((Resource.url == url) & Resource.retired_at.is_null()).first()
    return row["id"] if row else None


async def _checked_import(item: Any, number: int, language: str) -> CheckedQuestion:
    """One question of the file, checked as if an organiser had written it; the error names its number."""
    if not isinstance(item, dict) or not isinstance(item.get("options", []), list):
        raise RuleViolation(N_("A question in the file is not valid"), {"questions": str(number)})
    options = [(o.get("text", ""), bool(o.get("correct"))) for o in item.get("options", []) if isinstance(o, dict)]
    try:
        checked = validate_question(
            QuestionInput(
                kind=str(item.get("kind", "")),
                text=str(item.get("text", "")),
                time_limit_s=item.get("time_limit_s", 20),
                points=item.get("points", 1000),
                options=options,
                learn_more_url=str(item.get("learn_more_url") or ""),
                learn_more_title=str(item.get("learn_more_title") or ""),
            ),
            language,
        )
    except RuleViolation as exc:
        raise RuleViolation(
            N_("A question in the file is not valid"), {"questions": f"{number}: {exc.message}"}
        ) from None
    return checked.with_resource(await _resource_by_url(item.get("resource_url")))


async def import_quiz(engine: Engine, event: dict[str, Any], data: Any) -> int:
    """Creates a quiz from exported JSON; every question is checked first and nothing is written if one fails."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise RuleViolation(N_("This is not an exported quiz (JSON with a list of questions)"))
    title = check_title(data.get("title", ""))
    if len(data["questions"]) > IMPORT_QUESTIONS_MAX:
        raise RuleViolation(N_("A quiz has at most 200 questions"))
    language = event.get("language", "nl")
    checked = [await _checked_import(item, number, language) for number, item in enumerate(data["questions"], start=1)]
    async with write_transaction(engine):
        rows = await Quiz.insert(
            Quiz(event=event["id"], title=title, accuracy_only=bool(data.get("accuracy_only")))
        ).returning(Quiz.id)
        quiz_id = rows[0]["id"]
        await add_questions(quiz_id, checked, 0)
    return quiz_id
