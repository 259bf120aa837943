"""Questions and their votes. A vote is one row with a UNIQUE (question, participant) key, so a second vote of a
token, however close in time, is refused by the database; withdrawing deletes it. Moderators approve, hide, pin and
mark answered; they never change the asker's words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from events.kernel.database import DATABASE_REFUSALS, read_rows
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.statement_writer import write_statement
from events.kernel.text import has_control_characters
from events.live.service.participants import clean_name
from events.live.service.spaces import SPACE_CLOSED
from events.live.tables import Question, QuestionState, Space, Vote

TEXT_MAX = 280
NO_QUESTION = N_("No question with this number in this space")
PUBLIC_STATES = (QuestionState.VISIBLE.value, QuestionState.ANSWERED.value, QuestionState.HIDDEN.value)
MODERATION = ("approve", "hide", "pin", "unpin", "answered")


async def ask(space: dict[str, Any], participant: dict[str, Any], text: str, name: str | None) -> dict[str, Any]:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(N_("Write your question"), {"text": N_("Write your question")})
    if len(text) > TEXT_MAX or has_control_characters(text, multiline=True):
        raise RuleViolation(N_("A question has at most 280 characters"), {"text": N_("At most 280 characters")})
    asker = clean_name(name) if name is not None else participant["name"]
    if asker is None and not space["anonymous_allowed"]:
        raise RuleViolation(N_("Give your name: this space takes no anonymous questions"), {"name": N_("Required")})
    state = QuestionState.PENDING if space["premoderation"] else QuestionState.VISIBLE
    rows = await Question.insert(Question(
        space=space["id"], participant=participant["id"], text=text, asker_name=asker, state=state.value,
    )).returning(Question.id)
    return await question_view(space, rows[0]["id"])


async def _question(space: dict[str, Any], question_id: int) -> dict[str, Any]:
    row = await Question.select().where(Question.id == question_id, Question.space == space["id"]).first()
    if row is None:
        raise NotFound(NO_QUESTION)
    return row


# One statement decides a vote: the row goes in only for a visible (or answered) question of this space while the
# space is open, and at most once per participant and question (UNIQUE `once`; a double click does nothing).
_INSERT_VOTE = """
INSERT INTO live_vote (question, participant, once)
SELECT {}, {}, {}
WHERE EXISTS (
    SELECT 1 FROM live_question q JOIN live_space s ON s.id = q.space
    WHERE q.id = {} AND q.space = {} AND q.state IN ({}, {}) AND s.is_open = {}
)
ON CONFLICT (once) DO NOTHING
RETURNING id
"""
_DELETE_VOTE = """
DELETE FROM live_vote WHERE once = {} AND EXISTS (SELECT 1 FROM live_space WHERE id = {} AND is_open = {})
RETURNING id
"""


async def vote(space: dict[str, Any], participant: dict[str, Any], question_id: int) -> int:
    """Counts one vote of this participant; a second one is refused (409). Returns the question's votes.

    The usual path is one conditional INSERT and one count; why a vote was refused is read only after a refusal."""
    once = f"{question_id}:{participant['id']}"
    values = (question_id, participant["id"], once, question_id, space["id"], QuestionState.VISIBLE.value,
              QuestionState.ANSWERED.value, True)
    try:
        stored = await write_statement(Vote, _INSERT_VOTE, values)
    except DATABASE_REFUSALS:  # a foreign key: the participant or question went (its space was deleted)
        stored = []
    if not stored:
        await _vote_refusal(space, question_id, once)
    return await votes_of(question_id)


async def _vote_refusal(space: dict[str, Any], question_id: int, once: str) -> None:
    if await Vote.exists().where(Vote.once == once):
        raise Conflict(N_("You already voted for this question"))
    await _open_space(space)
    question = await _question(space, question_id)
    if question["state"] not in (QuestionState.VISIBLE.value, QuestionState.ANSWERED.value):
        raise NotFound(NO_QUESTION)
    raise Conflict(N_("Your vote was not counted; try again"))


async def _open_space(space: dict[str, Any]) -> None:
    if not await Space.exists().where((Space.id == space["id"]) & (Space.is_open == True)):  # noqa: E712
        raise RuleViolation(SPACE_CLOSED, status_code=409)


async def withdraw(space: dict[str, Any], participant: dict[str, Any], question_id: int) -> int:
    deleted = await write_statement(Vote, _DELETE_VOTE, (f"{question_id}:{participant['id']}", space["id"], True))
    if not deleted:
        await _open_space(space)
        await _question(space, question_id)
        raise NotFound(N_("You have no vote on this question"))
    return await votes_of(question_id)


# Written out: every vote's answer reads it (Piccolo built the count anew for each of 500 votes a second).
_VOTES_OF = f"SELECT COUNT(*) AS n FROM {Vote._meta.tablename} WHERE question = {{}}"


async def votes_of(question_id: int) -> int:
    return int((await read_rows(_VOTES_OF, question_id))[0]["n"])


async def vote_counts(question_ids: list[int]) -> dict[int, int]:
    """The votes of these questions, read together (a question without votes counts 0)."""
    if not question_ids:
        return {}
    rows = await Vote.select(Vote.question, Count(Vote.id).as_alias("n")).where(
        Vote.question.is_in(question_ids)).group_by(Vote.question)
    counts = dict.fromkeys(question_ids, 0)
    counts.update({row["question"]: row["n"] for row in rows})
    return counts


async def moderate(space: dict[str, Any], question_id: int, action: str, now: datetime) -> dict[str, Any]:
    if action not in MODERATION:
        raise NotFound(N_("Unknown moderation action"))
    await _question(space, question_id)
    changes: dict = {
        "approve": {Question.state: QuestionState.VISIBLE.value},
        "hide": {Question.state: QuestionState.HIDDEN.value},
        "pin": {Question.pinned: True},
        "unpin": {Question.pinned: False},
        "answered": {Question.state: QuestionState.ANSWERED.value, Question.answered_at: now},
    }[action]
    await Question.update(changes).where(Question.id == question_id)
    return await question_view(space, question_id)


def _view(row: dict[str, Any], votes: int) -> dict[str, Any]:
    return {
        "id": row["id"], "text": row["text"], "name": row["asker_name"], "state": row["state"],
        "pinned": row["pinned"], "votes": votes, "asked_at": row["asked_at"].isoformat(),
        "answered_at": row["answered_at"].isoformat() if row["answered_at"] else None,
    }


async def question_view(space: dict[str, Any], question_id: int) -> dict[str, Any]:
    return _view(await _question(space, question_id), await votes_of(question_id))


async def _vote_counts(space_id: int) -> dict[int, int]:
    rows = await Vote.raw(
        "SELECT v.question AS question, COUNT(*) AS n FROM live_vote v JOIN live_question q ON q.id = v.question "
        "WHERE q.space = {} GROUP BY v.question", space_id,
    )
    return {row["question"]: row["n"] for row in rows}


async def questions_of(space: dict[str, Any], moderator: bool = False, order: str = "votes") -> list[dict[str, Any]]:
    """The space's questions as a participant sees them (pending ones only for moderators): pinned first, then by
    votes (or newest first with order="newest")."""
    query = Question.select().where(Question.space == space["id"])
    if not moderator:
        query = query.where(Question.state.is_in(list(PUBLIC_STATES)))
    counts = await _vote_counts(space["id"])
    views = [_view(row, counts.get(row["id"], 0)) for row in await query]
    views.sort(key=lambda q: q["asked_at"], reverse=True)
    if order != "newest":
        views.sort(key=lambda q: (not q["pinned"], q["state"] == QuestionState.HIDDEN.value, -q["votes"]))
    return views


async def votes_by(participant_id: int) -> list[int]:
    return [row["question"] for row in await Vote.select(Vote.question).where(Vote.participant == participant_id)]
