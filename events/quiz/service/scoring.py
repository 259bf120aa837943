"""Scoring: the points of an answer on the server's clock, the players' standings, the boards the screens show and
the distribution of a question's answers."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from events.kernel.database import read_rows
from events.quiz.rows import QuestionRow, Standing
from events.quiz.tables import Answer

LEADERBOARD_TOP = 10
# The reveal's and the leaderboard's reads wait for nothing else: they may hold the host's worker for up to this
# many SQLite steps (5,000 players: ~20 ms) instead of hopping to a reading thread with their thousands of rows.
HOST_READ_STEPS = 5_000_000
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


# One query: each player's sums come from the database, grouped (through the answers' player index), and the
# order too (written out in ORDER BY: PostgreSQL takes no output name inside an expression). A run of 5,000
# players and 15,000 answers read row by row took 200-300 ms before every leaderboard.
STANDINGS = """
SELECT p.id AS player_id, p.nickname AS nickname, COALESCE(SUM(a.points), 0) AS score,
       COALESCE(SUM(CASE WHEN a.correct THEN 1 ELSE 0 END), 0) AS correct,
       COALESCE(SUM(a.response_ms), 0) AS total_response_ms, COUNT(a.id) AS answers
FROM quiz_player p LEFT JOIN quiz_answer a ON a.player = p.id
WHERE p.run = {} AND p.removed = {}
GROUP BY p.id
ORDER BY COALESCE(SUM(a.points), 0) DESC, COUNT(a.id) = 0, COALESCE(SUM(a.response_ms), 0), p.id
"""


async def standings(run_id: int) -> list[Standing]:
    """Every (not removed) player's score, right answers and total response time, best first.

    Ties are broken by whether the player answered at all (one who never answered ranks below one who answered,
    even wrongly: zero total response time must not win the tie), then by total response time over the player's
    answers (lower wins), then by who joined first.
    """
    rows = await read_rows(STANDINGS, run_id, False, steps=HOST_READ_STEPS)
    return [
        Standing(
            rank=rank,
            player_id=row["player_id"],
            nickname=row["nickname"],
            score=int(row["score"]),
            correct=int(row["correct"]),
            total_response_ms=int(row["total_response_ms"]),
            answers=int(row["answers"]),
        )
        for rank, row in enumerate(rows, start=1)
    ]


async def run_board(run_id: int, top: int) -> dict[str, Any]:
    """`board(await standings(run_id), top)` straight from the query's rows: the leaderboard and the end build no
    Standing for each of thousands of players (a third of the host's wait at 5,000)."""
    rows = await read_rows(STANDINGS, run_id, False, steps=HOST_READ_STEPS)
    return {
        "top": [{"rank": rank, "nickname": row["nickname"], "score": int(row["score"])}
                for rank, row in enumerate(rows[:top], start=1)],
        "ranks": {str(row["player_id"]): [rank, int(row["score"])] for rank, row in enumerate(rows, start=1)},
        "players": len(rows),
    }


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
    answers = await read_rows(
        "SELECT player, choices, points FROM quiz_answer WHERE run = {} AND question = {}", run_id, question.id,
        steps=HOST_READ_STEPS,
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
