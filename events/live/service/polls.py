"""Polls: single choice, multiple choice, a scale (1–5 or 1–10) and word clouds. One poll is open per space at a
time (a UNIQUE column `open_in` holds the space's id while a poll is open); one response per participant and poll
(UNIQUE `once`). Results may stay hidden from the room until the moderator reveals them."""

from __future__ import annotations

import json
import time
from collections import Counter, OrderedDict
from datetime import datetime
from typing import Any

from piccolo.engine.sqlite import TransactionType

from events.kernel.database import DATABASE_REFUSALS
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.statement_writer import write_statement
from events.live.service.words import clean_words
from events.live.tables import Poll, PollKind, PollState, Response

QUESTION_MAX = 280
OPTIONS_MAX = 10
SCALES = (5, 10)
NO_POLL = N_("No poll with this number in this space")


def _options(kind: PollKind, options: list[Any] | None) -> list[Any]:
    if kind in (PollKind.CHOICE, PollKind.MULTIPLE):
        texts = [str(o).strip() for o in options or [] if str(o).strip()]
        if not 2 <= len(texts) <= OPTIONS_MAX or any(len(t) > 120 for t in texts):
            raise RuleViolation(N_("A poll needs 2 to 10 options of at most 120 characters"),
                                {"options": N_("2 to 10 options")})
        return texts
    if kind == PollKind.SCALE:
        top = int(options[-1]) if options and str(options[-1]).isdigit() else 5
        if top not in SCALES:
            raise RuleViolation(N_("A scale runs from 1 to 5 or from 1 to 10"), {"options": N_("5 or 10")})
        return [1, top]
    return []


async def create_poll(space: dict[str, Any], kind: str, question: str, options: list[Any] | None,
                      revealed: bool = True) -> dict[str, Any]:
    if kind not in PollKind.__members__.values():
        raise RuleViolation(N_("Unknown kind of poll"), {"kind": N_("choice, multiple, scale or words")})
    question = (question or "").strip()
    if not question or len(question) > QUESTION_MAX:
        raise RuleViolation(N_("A poll question has 1 to 280 characters"), {"question": N_("1 to 280 characters")})
    rows = await Poll.insert(Poll(space=space["id"], kind=kind, question=question,
                                  options=_options(PollKind(kind), options), revealed=revealed)).returning(Poll.id)
    return await poll_of(space, rows[0]["id"])


async def poll_of(space: dict[str, Any], poll_id: int) -> dict[str, Any]:
    row = await Poll.select().where(Poll.id == poll_id, Poll.space == space["id"]).first()
    if row is None:
        raise NotFound(NO_POLL)
    return row


async def poll_by_id(poll_id: int) -> dict[str, Any] | None:
    return await Poll.select().where(Poll.id == poll_id).first()


async def polls_of(space: dict[str, Any]) -> list[dict[str, Any]]:
    return await Poll.select().where(Poll.space == space["id"]).order_by(Poll.id)


async def open_poll_of(space: dict[str, Any]) -> dict[str, Any] | None:
    return await Poll.select().where(Poll.open_in == space["id"]).first()


async def move(space: dict[str, Any], poll_id: int, action: str) -> dict[str, Any]:
    """open (closing the poll that was open), close, reveal, conceal."""
    await poll_of(space, poll_id)
    if action == "open":
        kwargs = {"transaction_type": TransactionType.immediate} if Poll._meta.db.engine_type == "sqlite" else {}
        async with Poll._meta.db.transaction(**kwargs):
            await Poll.update({Poll.open_in: None, Poll.state: PollState.CLOSED.value}).where(Poll.open_in == space["id"])
            await Poll.update({Poll.open_in: space["id"], Poll.state: PollState.OPEN.value}).where(Poll.id == poll_id)
    elif action == "close":
        await Poll.update({Poll.open_in: None, Poll.state: PollState.CLOSED.value}).where(Poll.id == poll_id)
    elif action in ("reveal", "conceal"):
        await Poll.update({Poll.revealed: action == "reveal"}).where(Poll.id == poll_id)
    else:
        raise NotFound(N_("Unknown poll action"))
    return await poll_of(space, poll_id)


def _answer(poll: dict[str, Any], answer: Any) -> list[Any]:
    kind, options = PollKind(poll["kind"]), _decoded(poll["options"])
    values = answer if isinstance(answer, list) else [answer]
    if kind == PollKind.WORDS:
        return clean_words([str(v) for v in values])
    if kind == PollKind.SCALE:
        ok = len(values) == 1 and isinstance(values[0], int) and options[0] <= values[0] <= options[1]
    else:
        ok = (bool(values) and all(isinstance(v, int) and 0 <= v < len(options) for v in values)
              and len(set(values)) == len(values) and (kind == PollKind.MULTIPLE or len(values) == 1))
    if not ok:
        raise RuleViolation(N_("This is not an answer to this poll"), {"answer": N_("Choose from the options")})
    return sorted(values)


# The response goes in only while the poll is the open one of an open space, once per participant (UNIQUE `once`).
_INSERT_RESPONSE = """
INSERT INTO live_response (poll, participant, once, answer, answered_at)
SELECT {}, {}, {}, {}, {}
WHERE EXISTS (SELECT 1 FROM live_poll WHERE id = {} AND open_in = {})
  AND EXISTS (SELECT 1 FROM live_space WHERE id = {} AND is_open = {})
ON CONFLICT (once) DO NOTHING
RETURNING id
"""


async def respond(space: dict[str, Any], participant: dict[str, Any], poll_id: int, answer: Any,
                  now: datetime) -> dict[str, Any]:
    """Stores one response (one conditional INSERT); a second one, or one to a poll that is not open, is 409."""
    poll = await _poll_facts(space, poll_id)
    values = _answer(poll, answer)
    once = f"{poll_id}:{participant['id']}"
    try:
        stored = await write_statement(Response, _INSERT_RESPONSE, (
            poll_id, participant["id"], once, json.dumps(values), now, poll_id, space["id"], space["id"], True))
    except DATABASE_REFUSALS:  # a foreign key: the participant went with its space
        stored = []
    if not stored:
        if await Response.exists().where(Response.once == once):
            raise Conflict(N_("You already answered this poll"))
        raise Conflict(N_("This poll is not open"))
    return poll


_facts: OrderedDict[int, tuple[float, dict[str, Any]]] = OrderedDict()
_FACTS_SIZE = 256
_FACTS_TTL_S = 2.0


async def _poll_facts(space: dict[str, Any], poll_id: int) -> dict[str, Any]:
    """The poll's row, read at most every couple of seconds per process: a room answers a poll at once. Only what
    the answer is checked against comes from here (kind and options, which never change); whether the poll is open
    is decided by the INSERT."""
    now = time.monotonic()
    cached = _facts.get(poll_id)
    if cached is not None and now - cached[0] < _FACTS_TTL_S and cached[1]["space"] == space["id"]:
        return cached[1]
    poll = await poll_of(space, poll_id)
    if poll["state"] != PollState.OPEN.value:
        raise Conflict(N_("This poll is not open"))
    _facts[poll_id] = (now, poll)
    while len(_facts) > _FACTS_SIZE:
        _facts.popitem(last=False)
    return poll


async def responded_by(participant_id: int) -> list[int]:
    return [r["poll"] for r in await Response.select(Response.poll).where(Response.participant == participant_id)]


def _decoded(value: Any) -> Any:
    # Piccolo hands JSON columns back as text
    return json.loads(value) if isinstance(value, str) else value


async def results(poll: dict[str, Any]) -> dict[str, Any]:
    """Counts per option (choice, multiple), per value and the mean (scale), per word without hidden ones (words)."""
    # The database groups equal answers (a room of 5,000 gives a handful of distinct ones for a choice or a scale):
    # what travels and is decoded here is one row per distinct answer, not one per response.
    rows = await Response.raw(
        "SELECT CAST(answer AS TEXT) AS answer, COUNT(*) AS n, MIN(id) AS first FROM live_response WHERE poll = {} "
        "GROUP BY CAST(answer AS TEXT) ORDER BY first", poll["id"],  # equal counts keep the order they came in
    )
    counts: Counter = Counter()
    responses = 0
    for row in rows:
        responses += row["n"]
        for value in _decoded(row["answer"]):
            counts[value] += row["n"]
    kind, options = PollKind(poll["kind"]), _decoded(poll["options"])
    result: dict[str, Any] = {"poll_id": poll["id"], "kind": kind.value, "responses": responses}
    if kind in (PollKind.CHOICE, PollKind.MULTIPLE):
        result["counts"] = [{"option": i, "text": t, "count": counts.get(i, 0)} for i, t in enumerate(options)]
    elif kind == PollKind.SCALE:
        result["counts"] = [{"value": v, "count": counts.get(v, 0)} for v in range(options[0], options[1] + 1)]
        result["mean"] = round(sum(v * n for v, n in counts.items()) / responses, 2) if responses else None
    else:
        hidden = set(_decoded(poll["hidden_words"]))
        result["words"] = [{"word": w, "count": n} for w, n in counts.most_common(100) if w not in hidden]
    return result


async def hide_word(space: dict[str, Any], poll_id: int, word: str) -> dict[str, Any]:
    poll = await poll_of(space, poll_id)
    hidden = set(_decoded(poll["hidden_words"])) | {word.strip().casefold()}
    await Poll.update({Poll.hidden_words: sorted(hidden)}).where(Poll.id == poll_id)
    return await poll_of(space, poll_id)


def poll_view(poll: dict[str, Any]) -> dict[str, Any]:
    return {"id": poll["id"], "kind": poll["kind"], "question": poll["question"],
            "options": _decoded(poll["options"]), "state": poll["state"], "revealed": poll["revealed"]}
