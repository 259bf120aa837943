"""The quiz's part of duplicating an event (programme.on_event_duplicate): every quiz with its questions and
their options, on the copy's sessions. Runs, players and answers stay with the source."""

from __future__ import annotations

from events.kernel.database import insert_rows
from events.programme.service import Duplication
from events.quiz.tables import Option, Question, Quiz


async def copy_quizzes(duplication: Duplication) -> None:
    quizzes = await Quiz.select().where(Quiz.event == duplication.source["id"]).order_by(Quiz.id)
    if not quizzes:
        return
    made = await insert_rows(Quiz, [
        Quiz(event=duplication.copy["id"], session=duplication.sessions.get(q["session"]) if q["session"] else None,
             title=q["title"], accuracy_only=q["accuracy_only"], created_at=duplication.now)
        for q in quizzes
    ])
    quiz_ids = {q["id"]: row["id"] for q, row in zip(quizzes, made, strict=True)}
    questions = await Question.select().where(Question.quiz.is_in(list(quiz_ids))).order_by(Question.id)
    copied = [
        {k: v for k, v in q.items() if k not in ("id", "quiz")} | {"quiz": quiz_ids[q["quiz"]]} for q in questions
    ]
    made = await insert_rows(Question, [Question(**values) for values in copied])
    question_ids = {q["id"]: row["id"] for q, row in zip(questions, made, strict=True)}
    if not question_ids:
        return
    options = await Option.select().where(Option.question.is_in(list(question_ids))).order_by(Option.id)
    await insert_rows(Option, [
        Option(question=question_ids[o["question"]], position=o["position"], text=o["text"], correct=o["correct"])
        for o in options
    ], returning=())
