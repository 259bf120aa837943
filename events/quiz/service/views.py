"""What a (re)connecting screen sees: the player's phone and the host screen get where the run is, in a few small
queries (a whole room reconnects at once after a Wi-Fi hiccup)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.quiz.rows import HostView, PlayerRow, PlayerView, QuestionRow, QuizRow, RunRow
from events.quiz.service.authoring import questions_of
from events.quiz.service.players import players_of
from events.quiz.service.runs import public_question, run_by_id
from events.quiz.service.scoring import LEADERBOARD_TOP, PODIUM_TOP, board, epoch_ms, player_score, standings
from events.quiz.tables import Answer, Question, RunStatus

SHOWS_A_QUESTION = (RunStatus.QUESTION, RunStatus.REVEAL)
SHOWS_STANDINGS = (RunStatus.LEADERBOARD, RunStatus.FINISHED)


async def _current_question(run: RunRow, now: datetime) -> tuple[QuestionRow, dict[str, Any]] | None:
    """The run's current question and what the screens show of it, with the time left."""
    if run.question is None:
        return None
    questions = await questions_of(run.quiz)
    question = next((q for q in questions if q.id == run.question), None)
    if question is None:
        return None
    shown = public_question(question, run.position + 1, len(questions))
    if run.question_deadline is not None:
        shown["remaining_ms"] = max(0, epoch_ms(run.question_deadline) - epoch_ms(now))
        shown["deadline"] = run.question_deadline.isoformat()
    return question, shown


async def player_view(player: PlayerRow, now: datetime) -> PlayerView:
    """Everything a player's phone needs after (re)connecting: nickname, score, and where the run is.

    The rank is computed only where the screen shows it (leaderboard, end).
    """
    run = await run_by_id(player.run)
    assert run is not None
    view = PlayerView(player_id=player.id, run_id=run.id, nickname=player.nickname, status=run.status)
    if run.status == RunStatus.LOBBY:
        return view
    if run.status in SHOWS_STANDINGS:
        ranked = await standings(run.id)
        mine = next((r for r in ranked if r.player_id == player.id), None)
        view.score, view.rank = (mine.score, mine.rank) if mine else (0, None)
        if run.status == RunStatus.FINISHED:
            view.podium = board(ranked, PODIUM_TOP)["top"]
        return view
    # The open question's points stay hidden until the reveal: they would tell whether the answer was right.
    open_question = run.question if run.status == RunStatus.QUESTION else None
    view.score = await player_score(player.id, exclude_question=open_question)
    current = await _current_question(run, now)
    if current is not None:
        question, view.question = current
        answer = await Answer.select(Answer.choices, Answer.points).where(
            (Answer.player == player.id) & (Answer.question == question.id)
        ).first()
        view.answered = answer is not None
        view.choices = [int(c) for c in answer["choices"].split(",") if c] if answer else []
        if run.status == RunStatus.REVEAL:
            view.correct = question.correct_ids
            view.points = answer["points"] if answer else 0
    return view


async def host_view(run: RunRow, quiz: QuizRow, now: datetime) -> HostView:
    """Everything the host screen needs after (re)connecting."""
    view = HostView(
        run_id=run.id,
        status=run.status,
        join_code=run.join_code,
        quiz_title=quiz.title,
        question_count=await Question.count().where(Question.quiz == quiz.id),
        players=[{"player_id": p.id, "nickname": p.nickname} for p in await players_of(run.id)],
    )
    if run.status in SHOWS_A_QUESTION:
        current = await _current_question(run, now)
        if current is not None:
            view.question = current[1]
            view.answered = await Answer.count().where((Answer.run == run.id) & (Answer.question == run.question))
    if run.status in SHOWS_STANDINGS:
        view.board = board(await standings(run.id), LEADERBOARD_TOP)["top"]
    return view
