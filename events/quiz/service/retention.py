"""Retention: the nicknames players typed in quiz runs of events that ended long enough ago. Scores and answers
stay (the organiser's results and statistics); the nickname becomes "Speler <n>" and the player token is retired."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.programme.tables import Event
from events.quiz.tables import Player, Quiz, Run

FORGOTTEN = "forgotten-"  # the nickname key (and token hash) of a forgotten player: no token hashes to it


async def forget_past_players(now: datetime, retention_days: int) -> int:
    """Forgets the nicknames of players in runs of events that ended more than `retention_days` ago; returns how
    many players."""
    ended = await Event.select(Event.id).where(Event.ends_at < now - timedelta(days=retention_days))
    if not ended:
        return 0
    quizzes = Quiz.select(Quiz.id).where(Quiz.event.is_in([e["id"] for e in ended]))
    runs = [r["id"] for r in await Run.select(Run.id).where(Run.quiz.is_in([q["id"] for q in await quizzes] or [0]))]
    if not runs:
        return 0
    players = await Player.select(Player.id, Player.run).where(
        Player.run.is_in(runs) & Player.nickname_key.not_like(f"{FORGOTTEN}%")
    ).order_by(Player.run).order_by(Player.id)
    number: dict[int, int] = {}
    for player in players:
        number[player["run"]] = number.get(player["run"], 0) + 1
        await Player.update({
            Player.nickname: f"Speler {number[player['run']]}", Player.nickname_key: f"{FORGOTTEN}{player['id']}",
            Player.token_hash: f"{FORGOTTEN}{player['id']}",
        }).where(Player.id == player["id"])
    return len(players)
