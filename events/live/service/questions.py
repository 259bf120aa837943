"""Questions and their votes. A vote is one row with a UNIQUE (question, participant) key, so a second vote of a
token, however close in time, is refused by the database; withdrawing deletes it. Moderators approve, hide, pin and
mark answered; they never change the asker's words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.kernel.database import UNIQUE_VIOLATIONS
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters
from events.live.service.participants import clean_name
from events.live.tables import Question, QuestionState, Vote

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


async def vote(space: dict[str, Any], participant: dict[str, Any], question_id: int) -> int:
    """Counts one vote of this participant; a second one is refused (409). Returns the question's votes."""
    question = await _question(space, question_id)
    if question["state"] not in (QuestionState.VISIBLE.value, QuestionState.ANSWERED.value):
        raise NotFound(NO_QUESTION)
    try:
        await Vote.insert(Vote(question=question_id, participant=participant["id"],
                               once=f"{question_id}:{participant['id']}"))
    except UNIQUE_VIOLATIONS:
        raise Conflict(N_("You already voted for this question")) from None
    return await votes_of(question_id)


async def withdraw(space: dict[str, Any], participant: dict[str, Any], question_id: int) -> int:
    await _question(space, question_id)
    deleted = await Vote.delete().where(Vote.once == f"{question_id}:{participant['id']}").returning(Vote.id)
    if not deleted:
        raise NotFound(N_("You have no vote on this question"))
    return await votes_of(question_id)


async def votes_of(question_id: int) -> int:
    return await Vote.count().where(Vote.question == question_id)


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
