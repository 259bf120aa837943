"""The demo scenario's quizzes: loaded with their questions and resource links, and only once."""

from __future__ import annotations

from events.demo import load_demo
from events.quiz import service
from events.quiz.tables import Question, Quiz


async def test_demo_quizzes_load_once_with_resource_links(settings, clock, engine):
    await load_demo(settings, clock)
    quizzes = await Quiz.select().order_by(Quiz.id)
    assert [q["title"] for q in quizzes] == ["Hoe weerbaar is uw organisatie?", "Festivalquiz"]
    assert quizzes[0]["session"] is not None
    questions = await service.questions_of(quizzes[0]["id"])
    assert [q.kind for q in questions] == ["single", "multiple", "truefalse", "single", "poll"]
    assert all(q.resource for q in questions)
    await load_demo(settings, clock)
    assert await Quiz.count() == 2 and await Question.count() == 7
