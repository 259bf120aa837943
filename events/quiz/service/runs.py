"""Live runs: opening one with a join code, and the host's moves through its states (lobby → question → reveal →
leaderboard → … → finished), each returning the message the run's screens get."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.kernel.database import UNIQUE_VIOLATIONS, lock_row, write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.tables import Event
from events.quiz.rows import QuestionRow, QuizRow, RunRow
from events.quiz.service.authoring import questions_of, quiz_for_organiser
from events.quiz.service.scoring import LEADERBOARD_TOP, PODIUM_TOP, distribution, epoch_ms, run_board
from events.quiz.tables import Player, Question, Run, RunStatus
from events.resources import service as resources
from events.webhooks import service as webhooks
from events.webhooks.tables import EventType

# Answers that arrive up to this long after the deadline still count: the time a tap spends on a phone network.
# Their response time is capped at the limit, so a late tap never scores more than half the points.
GRACE_MS = 500
JOIN_CODE_DIGITS = 6
JOIN_CODE_ATTEMPTS = 20


class HostMove(StrEnum):
    """What the host can do with a run (`POST /api/quiz/runs/{id}/<move>`)."""

    NEXT = "next"
    REVEAL = "reveal"
    LEADERBOARD = "leaderboard"
    END = "end"


# The states each move may start from.
HOST_MOVES = {
    HostMove.NEXT: (RunStatus.LOBBY, RunStatus.QUESTION, RunStatus.REVEAL, RunStatus.LEADERBOARD),
    HostMove.REVEAL: (RunStatus.QUESTION,),
    HostMove.LEADERBOARD: (RunStatus.REVEAL,),
    HostMove.END: (RunStatus.LOBBY, RunStatus.QUESTION, RunStatus.REVEAL, RunStatus.LEADERBOARD),
}


async def open_run(quiz_id: int, host_id: int, now: datetime) -> RunRow:
    """A new live run in the lobby, with a join code no other open run has."""
    if not await Question.exists().where(Question.quiz == quiz_id):
        raise RuleViolation(N_("Add at least one question before you start the quiz"))
    for _attempt in range(JOIN_CODE_ATTEMPTS):
        code = "".join(secrets.choice("0123456789") for _ in range(JOIN_CODE_DIGITS))
        try:
            rows = await Run.insert(
                Run(quiz=quiz_id, host=host_id, join_code=code, active_code=code, status=RunStatus.LOBBY, created_at=now)
            ).returning(Run.id)
        except UNIQUE_VIOLATIONS:
            continue
        return await run_by_id(rows[0]["id"])
    raise Conflict(N_("No free join code; try again"))


async def run_by_id(run_id: int) -> RunRow | None:
    row = await Run.select().where(Run.id == run_id).first()
    return RunRow.of(row) if row else None


async def run_for_host(
    run_id: int, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR
) -> tuple[RunRow, QuizRow, dict[str, Any]]:
    """The run, its quiz and event if this user's role in the event's organisation includes `needed` (editors
    host, viewers read results); another organisation's run is NotFound, the same as a missing one."""
    run = await run_by_id(run_id)
    if run is None:
        raise NotFound(N_("No quiz run with this number"))
    quiz, event = await quiz_for_organiser(run.quiz, user, needed)
    return run, quiz, event


async def runs_of_quiz(quiz_id: int) -> list[RunRow]:
    """The quiz's runs, newest first, each with how many players it has."""
    runs = await Run.select().where(Run.quiz == quiz_id).order_by(Run.id, ascending=False)
    return [RunRow.of(run, await _player_count(run["id"])) for run in runs]


async def _player_count(run_id: int) -> int:
    return await Player.count().where((Player.run == run_id) & (Player.removed == False))  # noqa: E712


def public_question(question: QuestionRow, number: int, total: int) -> dict[str, Any]:
    """A question as the run's screens get it: never which options are right."""
    return {
        "question_id": question.id,
        "number": number,
        "total": total,
        "kind": question.kind,
        "text": question.text,
        "options": [{"id": o.id, "text": o.text} for o in question.options],
        "time_limit_s": question.time_limit_s,
        "points": question.points,
    }


async def learn_more_of(question: QuestionRow) -> dict[str, str] | None:
    """The reveal's "learn more" link: the platform resource while it is live, else the organiser's own URL."""
    link = await resources.learn_more(question.resource)
    if link is None and question.learn_more_url:
        link = {"url": question.learn_more_url, "title": question.learn_more_title or question.learn_more_url}
    return link


async def _locked_run(engine: Engine, run_id: int, move: HostMove) -> RunRow:
    await lock_row(engine, Run, run_id)
    run = await run_by_id(run_id)
    if run is None:
        raise NotFound(N_("No quiz run with this number"))
    if run.status not in HOST_MOVES[move]:
        raise Conflict(N_("This step is not possible now (the quiz is at another step)"))
    return run


async def make_host_move(engine: Engine, run_id: int, move: HostMove, now: datetime) -> dict[str, Any]:
    """The move's message to the run's screens; its type is the run's new status."""
    if move == HostMove.NEXT:
        return await start_next_question(engine, run_id, now)
    if move == HostMove.REVEAL:
        return await reveal(engine, run_id)
    if move == HostMove.LEADERBOARD:
        return await show_leaderboard(engine, run_id)
    return await finish_run(engine, run_id, now)


async def start_next_question(engine: Engine, run_id: int, now: datetime) -> dict[str, Any]:
    """Opens the next question: the server's clock sets the start and the deadline."""
    async with write_transaction(engine):
        run = await _locked_run(engine, run_id, HostMove.NEXT)
        questions = await questions_of(run.quiz)
        position = run.position + 1
        if position >= len(questions):
            raise Conflict(N_("That was the last question; end the quiz"))
        question = questions[position]
        deadline = now + timedelta(seconds=question.time_limit_s)
        await Run.update(
            {
                Run.status: RunStatus.QUESTION,
                Run.position: position,
                Run.question: question.id,
                Run.question_started_at: now,
                Run.question_deadline: deadline,
                Run.accepting_until_ms: epoch_ms(deadline) + GRACE_MS,
            }
        ).where(Run.id == run_id)
    return {
        "type": RunStatus.QUESTION,
        **public_question(question, position + 1, len(questions)),
        "remaining_ms": question.time_limit_s * 1000,
        "deadline": deadline.isoformat(),
    }


async def reveal(engine: Engine, run_id: int) -> dict[str, Any]:
    """Closes the question (no answer is taken any more, whatever worker gets it) and shows the right answer."""
    async with write_transaction(engine):
        run = await _locked_run(engine, run_id, HostMove.REVEAL)
        await Run.update({Run.status: RunStatus.REVEAL, Run.accepting_until_ms: 0}).where(Run.id == run_id)
    questions = await questions_of(run.quiz)
    question = next(q for q in questions if q.id == run.question)
    per_option, answered, points = await distribution(question, run_id)
    return {
        "type": RunStatus.REVEAL,
        "question_id": question.id,
        "kind": question.kind,
        "correct": question.correct_ids,
        "distribution": per_option,
        "answered": answered,
        "players": await _player_count(run_id),
        "learn_more": await learn_more_of(question),
        "points": {str(pid): p for pid, p in points.items()},
    }


async def show_leaderboard(engine: Engine, run_id: int) -> dict[str, Any]:
    async with write_transaction(engine):
        await _locked_run(engine, run_id, HostMove.LEADERBOARD)
        await Run.update({Run.status: RunStatus.LEADERBOARD}).where(Run.id == run_id)
    return {"type": RunStatus.LEADERBOARD, **await run_board(run_id, LEADERBOARD_TOP)}


async def finish_run(engine: Engine, run_id: int, now: datetime) -> dict[str, Any]:
    """Ends the run: the join code is free again and the stored results stay for the organiser."""
    async with write_transaction(engine):
        await _locked_run(engine, run_id, HostMove.END)
        await Run.update(
            {Run.status: RunStatus.FINISHED, Run.active_code: None, Run.accepting_until_ms: 0, Run.finished_at: now}
        ).where(Run.id == run_id)
        await _tell_webhooks_finished(run_id, now)
    final = await run_board(run_id, PODIUM_TOP)
    return {"type": RunStatus.FINISHED, "podium": final["top"], "ranks": final["ranks"], "players": final["players"]}


async def _tell_webhooks_finished(run_id: int, now: datetime) -> None:
    """`quiz.run_finished` for the organisation's webhooks: which quiz, how many played (no names, no scores)."""
    run = await Run.select(Run.quiz.id.as_alias("quiz_id"), Run.quiz.title.as_alias("quiz_title"),
                           Run.quiz.event.id.as_alias("event_id")).where(Run.id == run_id).first()
    event = await programme.public_events().where(Event.id == run["event_id"]).first()
    await webhooks.emit(
        EventType.QUIZ_RUN_FINISHED, event, now,
        quiz={"id": run["quiz_id"], "title": run["quiz_title"]}, run={"id": run_id, "players": await _player_count(run_id)},
    )

