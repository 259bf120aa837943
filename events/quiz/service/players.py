"""Players: joining an open run with its code and a nickname, finding a player by their token, the run's players,
and the host removing one."""

from __future__ import annotations

import re
from datetime import datetime

from events.kernel.database import UNIQUE_VIOLATIONS
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.statement_writer import write_statement
from events.kernel.tokens import hash_token, new_token
from events.quiz.rows import JoinedPlayer, PlayerRow
from events.quiz.service.questions import clean_text
from events.quiz.tables import Player

NICKNAME_MAX = 20
TOKEN_MAX = 200
_PLAYER_COLUMNS = (Player.id, Player.run, Player.nickname, Player.removed, Player.joined_at)


def clean_nickname(nickname: str) -> str:
    nickname = clean_text(nickname, NICKNAME_MAX)
    if not nickname:
        raise RuleViolation(N_("Choose a nickname"), {"nickname": N_("Choose a nickname")})
    if len(nickname) > NICKNAME_MAX:
        raise RuleViolation(
            N_("A nickname is at most 20 characters"), {"nickname": N_("A nickname is at most 20 characters")}
        )
    return nickname


_JOIN = """
INSERT INTO quiz_player (run, nickname, nickname_key, token_hash, joined_at, removed)
SELECT id, {}, {}, {}, {}, {} FROM quiz_run WHERE active_code = {}
RETURNING id, run
"""


async def join_run(code: str, nickname: str, now: datetime) -> JoinedPlayer:
    """A player joins an open run with its code and a nickname no one else in the run has.

    One statement: the run is found by its code (only open runs hold one) and the player inserted; the UNIQUE
    index on (run, case-folded nickname) refuses a taken nickname, also between simultaneous joins."""
    code = re.sub(r"\D", "", code or "")
    nickname = clean_nickname(nickname)
    token = new_token()
    values = (nickname, nickname.casefold()[:40], hash_token(token), now, False, code)
    try:
        rows = await write_statement(Player, _JOIN, values) if code else []
    except UNIQUE_VIOLATIONS:
        raise Conflict(
            N_("This nickname is taken in this quiz; choose another"),
            {"nickname": N_("This nickname is taken in this quiz; choose another")},
        ) from None
    if not rows:
        raise NotFound(N_("No quiz is open with this code"), {"code": N_("No quiz is open with this code")})
    return JoinedPlayer(player_id=rows[0][0], run_id=rows[0][1], nickname=nickname, token=token)


async def player_by_token(token: str) -> PlayerRow | None:
    if not token or len(token) > TOKEN_MAX:
        return None
    row = await Player.select(*_PLAYER_COLUMNS).where(Player.token_hash == hash_token(token)).first()
    return PlayerRow(**row) if row else None


async def players_of(run_id: int) -> list[PlayerRow]:
    """The run's players who were not removed, in the order they joined."""
    rows = await Player.select(*_PLAYER_COLUMNS).where(
        (Player.run == run_id) & (Player.removed == False)  # noqa: E712
    ).order_by(Player.id)
    return [PlayerRow(**row) for row in rows]


async def remove_player(run_id: int, player_id: int) -> bool:
    rows = await Player.update({Player.removed: True}).where((Player.id == player_id) & (Player.run == run_id)).returning(
        Player.id
    )
    return bool(rows)
