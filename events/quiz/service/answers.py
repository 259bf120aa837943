"""Answers: a player's answer measured on the server's clock and stored by one conditional statement, and the
per-process cache of the facts scoring needs about a started question.

Everything that decides whether an answer counts lives in the database, so any worker process may take any
player's answer. The cache holds only what never changes once a question has started (its start, limit, points
and right options).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from events.kernel.i18n import N_
from events.kernel.statement_writer import write_statement
from events.quiz.rows import AnswerResult
from events.quiz.service.scoring import epoch_ms, score_answer
from events.quiz.tables import Answer, Option, Player, Question, QuestionKind, Run, RunStatus


@dataclass(frozen=True)
class QuestionFacts:
    """What scoring needs about a started question; none of it changes once the question has started."""

    started_ms: int
    time_limit_s: int
    points: int
    kind: QuestionKind
    option_ids: frozenset[int]
    correct_ids: frozenset[int]
    accuracy_only: bool


_facts_cache: OrderedDict[tuple[int, int, int], asyncio.Future] = OrderedDict()
_FACTS_CACHE_SIZE = 512


async def _question_facts(run_id: int, question_id: int) -> QuestionFacts | None:
    """What scoring needs, read once per question and process: the first answers of a question arrive together,
    and they share one read (a future in the cache) instead of each reading the same rows."""
    key = (id(asyncio.get_running_loop()), run_id, question_id)  # a future belongs to its event loop
    cached = _facts_cache.get(key)
    if cached is None:
        cached = asyncio.ensure_future(_read_question_facts(run_id, question_id))
        _facts_cache[key] = cached
        while len(_facts_cache) > _FACTS_CACHE_SIZE:
            _facts_cache.popitem(last=False)
    try:
        facts = await asyncio.shield(cached)
    except Exception:
        if _facts_cache.get(key) is cached:
            _facts_cache.pop(key, None)
        raise
    if facts is None and _facts_cache.get(key) is cached:
        _facts_cache.pop(key, None)  # not started (yet): ask the database again next time
    return facts


async def _read_question_facts(run_id: int, question_id: int) -> QuestionFacts | None:
    run = await Run.select(Run.question, Run.question_started_at, Run.quiz.accuracy_only.as_alias("accuracy_only")).where(
        Run.id == run_id
    ).first()
    if run is None or run["question"] != question_id or run["question_started_at"] is None:
        return None
    question = await Question.select().where(Question.id == question_id).first()
    options = await Option.select(Option.id, Option.correct).where(Option.question == question_id)
    return QuestionFacts(
        started_ms=epoch_ms(run["question_started_at"]),
        time_limit_s=question["time_limit_s"],
        points=question["points"],
        kind=QuestionKind(question["kind"]),
        option_ids=frozenset(o["id"] for o in options),
        correct_ids=frozenset(o["id"] for o in options if o["correct"]),
        accuracy_only=bool(run["accuracy_only"]),
    )


def forget_cached_questions() -> None:
    _facts_cache.clear()


_INSERT_ANSWER = """
INSERT INTO quiz_answer (run, question, player, choices, received_at, response_ms, correct, points)
SELECT {}, {}, {}, {}, {}, {}, {}, {}
WHERE EXISTS (
    SELECT 1 FROM quiz_run WHERE id = {} AND question = {} AND status = 'question' AND accepting_until_ms >= {}
) AND EXISTS (SELECT 1 FROM quiz_player WHERE id = {} AND run = {} AND removed = {})
ON CONFLICT (player, question) DO NOTHING
RETURNING id
"""


async def submit_answer(
    run_id: int, player_id: int, question_id: int, choices: list[int], now: datetime
) -> AnswerResult:
    """One answer: measured on the server's clock, stored by one conditional INSERT.

    The database decides: the row goes in only while the run accepts answers for this question (deadline +
    grace, not yet revealed), for a player not removed, and at most once per player and question (UNIQUE).
    """
    received_ms = epoch_ms(now)
    facts = await _question_facts(run_id, question_id)
    if facts is None:
        return AnswerResult(False, question_id, reason="closed", message=N_("This question is closed"))
    chosen = sorted(set(choices))
    if not chosen or not set(chosen) <= facts.option_ids or (facts.kind != QuestionKind.MULTIPLE and len(chosen) != 1):
        return AnswerResult(False, question_id, reason="invalid", message=N_("Choose one of the options"))
    response_ms = max(0, received_ms - facts.started_ms)
    if facts.kind == QuestionKind.POLL:
        correct, points = None, 0
    else:
        correct = set(chosen) == facts.correct_ids  # multiple choice: all and only the right options
        points = score_answer(correct, response_ms, facts.time_limit_s, facts.points, facts.accuracy_only)
    values = (
        run_id, question_id, player_id, ",".join(map(str, chosen)), now, response_ms, correct, points,
        run_id, question_id, received_ms,
        player_id, run_id, False,
    )
    if await write_statement(Answer, _INSERT_ANSWER, values):
        return AnswerResult(True, question_id, response_ms=response_ms)
    return await _refusal(run_id, player_id, question_id, received_ms)


async def _refusal(run_id: int, player_id: int, question_id: int, received_ms: int) -> AnswerResult:
    """Why an answer was not stored (read only after a refusal, so the common path stays one statement)."""
    if await Answer.exists().where((Answer.player == player_id) & (Answer.question == question_id)):
        return AnswerResult(False, question_id, reason="already_answered", message=N_("You already answered this question"))
    player = await Player.select(Player.removed).where(Player.id == player_id).first()
    if player is None or player["removed"]:
        return AnswerResult(False, question_id, reason="removed", message=N_("The host removed you from this quiz"))
    run = await Run.select(Run.status, Run.question, Run.accepting_until_ms).where(Run.id == run_id).first()
    if (
        run and run["status"] == RunStatus.QUESTION and run["question"] == question_id
        and received_ms > run["accepting_until_ms"]
    ):
        return AnswerResult(False, question_id, reason="too_late", message=N_("Time is up: your answer came too late"))
    return AnswerResult(False, question_id, reason="closed", message=N_("This question is closed"))

