"""Scoring: the points of an answer on the server's clock, the players' standings, the boards the screens show and
the distribution of a question's answers."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from events.quiz.rows import QuestionRow, Standing
from events.quiz.tables import Answer, Player

LEADERBOARD_TOP = 10
PODIUM_TOP = 3


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def score_answer(correct: bool, response_ms: int, time_limit_s: int, points: int, accuracy_only: bool = False) -> int:
    """Kahoot's documented formula: round((1 − (t/T)/2) × P) for a right answer, 0 otherwise.

    t is capped at T (answers in the grace period get half the points); rounding is half-up, not banker's.
    """
    if not correct or points <= 0:
        return 0
    if accuracy_only:
        return points
    limit_ms = max(1, time_limit_s * 1000)
    t = min(max(response_ms, 0), limit_ms)
    return math.floor((1 - (t / limit_ms) / 2) * points + 0.5)


async def standings(run_id: int) -> list[Standing]:
    """Every (not removed) player's score, right answers and total response time, best first.

    Ties are broken by whether the player answered at all (one who never answered ranks below one who answered,
    even wrongly: zero total response time must not win the tie), then by total response time over the player's
    answers (lower wins), then by who joined first.
    """
    players = await Player.select(Player.id, Player.nickname, Player.joined_at).where(
        (Player.run == run_id) & (Player.removed == False)  # noqa: E712
    )
    query = Answer.select(Answer.player, Answer.points, Answer.correct, Answer.response_ms).where(Answer.run == run_id)
    totals: dict[int, list[int]] = {p["id"]: [0, 0, 0, 0] for p in players}
    for answer in await query:
        total = totals.get(answer["player"])
        if total is not None:
            total[0] += answer["points"]
            total[1] += 1 if answer["correct"] else 0
            total[2] += answer["response_ms"]
            total[3] += 1
    ranked = sorted(players, key=lambda p: (-totals[p["id"]][0], totals[p["id"]][3] == 0, totals[p["id"]][2], p["id"]))
    return [
        Standing(
            rank=rank,
            player_id=p["id"],
            nickname=p["nickname"],
            score=totals[p["id"]][0],
            correct=totals[p["id"]][1],
            total_response_ms=totals[p["id"]][2],
            answers=totals[p["id"]][3],
        )
        for rank, p in enumerate(ranked, start=1)
    ]


def board(rows: list[Standing], top: int) -> dict[str, Any]:
    """The top places as the screens show them, and every player's [rank, score] for their own phone."""
    return {
        "top": [{"rank": r.rank, "nickname": r.nickname, "score": r.score} for r in rows[:top]],
        "ranks": {str(r.player_id): [r.rank, r.score] for r in rows},
        "players": len(rows),
    }


async def player_score(player_id: int, exclude_question: int | None = None) -> int:
    query = Answer.select(Answer.points).where(Answer.player == player_id)
    if exclude_question is not None:
        query = query.where(Answer.question != exclude_question)
    return sum(row["points"] for row in await query)


async def distribution(question: QuestionRow, run_id: int) -> tuple[list[dict[str, Any]], int, dict[int, int]]:
    """(how many chose each option, how many answered, each answering player's points) of a question in a run."""
    answers = await Answer.select(Answer.player, Answer.choices, Answer.points).where(
        (Answer.run == run_id) & (Answer.question == question.id)
    )
    counts = {o.id: 0 for o in question.options}
    for answer in answers:
        for choice in filter(None, answer["choices"].split(",")):
            if int(choice) in counts:
                counts[int(choice)] += 1
    per_option = [
        {"option_id": o.id, "text": o.text, "correct": o.correct, "count": counts[o.id]} for o in question.options
    ]
    return per_option, len(answers), {a["player"]: a["points"] for a in answers}
