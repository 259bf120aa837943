"""Joining a space without an account: an optional name and a participant token that the browser keeps. Only the
token's hash is stored; the token itself is shown once, to the participant."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from events.kernel.errors import Forbidden, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters
from events.kernel.tokens import hash_token, new_token, plausible_token
from events.live.tables import Participant

NAME_MAX = 80
BAD_TOKEN = N_("Join this live space first (no valid participant token)")


def clean_name(name: str | None, field: str = "name") -> str | None:
    name = (name or "").strip()
    if not name:
        return None
    if len(name) > NAME_MAX or has_control_characters(name):
        raise RuleViolation(N_("A name has at most 80 characters"), {field: N_("At most 80 characters")})
    return name


async def join(space: dict[str, Any], name: str | None) -> tuple[str, dict[str, Any]]:
    """A new participant of the space: (their token, the participant row)."""
    token = new_token()
    rows = await Participant.insert(
        Participant(space=space["id"], token_hash=hash_token(token), name=clean_name(name))
    ).returning(*Participant.all_columns())
    return token, rows[0]


async def participant_of(space: dict[str, Any], token: str | None) -> dict[str, Any]:
    """The participant behind a token in this space; a token of another space (or none) is refused."""
    if not plausible_token(token):
        raise Forbidden(BAD_TOKEN, status_code=401)
    row = await Participant.select().where(
        Participant.token_hash == hash_token(token), Participant.space == space["id"]
    ).first()
    if row is None:
        raise Forbidden(BAD_TOKEN, status_code=401)
    return row


_known: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
KNOWN_SIZE = 50_000
KNOWN_TTL_S = 300.0


async def known_participant(space: dict[str, Any], token: str | None) -> dict[str, Any]:
    """`participant_of`, remembered per process by the token's hash for a few minutes: a vote then costs no read of
    the participant. Safe to remember: a participant row never moves to another space and its token never changes;
    what a vote may do is still decided by the database (the space open, the question visible, once per token)."""
    if not plausible_token(token):
        raise Forbidden(BAD_TOKEN, status_code=401)
    key, now = hash_token(token), time.monotonic()
    known = _known.get(key)
    if known is not None and now - known[0] < KNOWN_TTL_S:
        if known[1]["space"] != space["id"]:
            raise Forbidden(BAD_TOKEN, status_code=401)
        return known[1]
    row = await participant_of(space, token)
    _known[key] = (now, {"id": row["id"], "space": row["space"], "name": row["name"]})
    _known.move_to_end(key)
    while len(_known) > KNOWN_SIZE:
        _known.popitem(last=False)
    return row
