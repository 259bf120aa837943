"""Fixtures of the quiz tests: an event with a quiz of three questions, and helpers to run it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from events.kernel import statement_writer
from events.programme.tables import Event
from events.quiz import service
from events.quiz.service import QuestionInput
from tests.conftest import NOW, home_organisation


async def make_event(organiser_id: int, slug: str = "weerbare-organisatie") -> dict:
    await Event.insert(
        Event(
            slug=slug,
            title="Weerbare organisatie",
            status="published",
            starts_at=NOW + timedelta(days=35),
            ends_at=NOW + timedelta(days=35, hours=4),
            organiser=organiser_id,
            organisation=await home_organisation(organiser_id),
            join_url="https://meet.example.org/secret-room",
        )
    )
    return await Event.select().where(Event.slug == slug).first()


async def make_quiz(engine, event: dict, accuracy_only: bool = False) -> dict:
    quiz_id = await service.create_quiz(event["id"], "De weerbare organisatie", accuracy_only=accuracy_only)
    quiz = await service.quiz_by_id(quiz_id)
    await service.save_question(
        engine, quiz, QuestionInput(kind="single", text="Welk aspect gaat over mensen?", time_limit_s=20, points=1000,
                                    options=[("Fysieke beveiliging", False), ("Personele beveiliging", True), ("Continuïteit", False)],
                                    learn_more_url="https://example.org/personele-beveiliging", learn_more_title="Personele beveiliging")
    )
    await service.save_question(
        engine, quiz, QuestionInput(kind="multiple", text="Welke horen bij integrale veiligheid?", time_limit_s=30, points=500,
                                    options=[("Bewustzijn", True), ("Voorbereiding", True), ("Catering", False)])
    )
    await service.save_question(
        engine, quiz, QuestionInput(kind="poll", text="Hoe weerbaar is uw organisatie?", time_limit_s=10, points=1000,
                                    options=[("Zeer", False), ("Redelijk", False), ("Nog niet", False)])
    )
    return quiz


@pytest.fixture
async def event(organiser):
    return await make_event(organiser.id)


@pytest.fixture
async def quiz(engine, event):
    return await make_quiz(engine, event)


async def option_ids(quiz_id: int) -> list[list[int]]:
    return [[o.id for o in q.options] for q in await service.questions_of(quiz_id)]


@pytest.fixture(autouse=True)
async def fresh_question_cache():
    """Each test has its own database whose ids start again at 1: the per-process cache must not carry over;
    the statement writers this test's loop opened are closed."""
    service.forget_cached_questions()
    yield
    service.forget_cached_questions()
    await statement_writer.close_statement_writers()
