"""The organiser's editor of the event's own registration questions: add, edit, delete and put in order."""

from __future__ import annotations

from typing import Any

from events.kernel.database import write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.ordering import moved
from events.kernel.text import has_control_characters
from events.registration.service.queries import questions_of
from events.registration.tables import Question, QuestionKind

WITH_OPTIONS = (QuestionKind.CHOICE, QuestionKind.MULTIPLE)
CONTROL = N_("Remove the control characters.")
NO_QUESTION = N_("This question does not exist.")


def clean_question(label: str, kind: str, options: str, required: bool) -> dict[str, Any]:
    """The values to store; raises RuleViolation naming every failing field."""
    errors = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = N_("Enter the question.")
    elif len(label) > 300:
        errors["label"] = N_("The question is too long (at most 300 characters).")
    elif has_control_characters(label):
        errors["label"] = CONTROL
    if has_control_characters(options or "", multiline=True):
        errors["options"] = CONTROL
    if kind not in tuple(QuestionKind):
        errors["kind"] = N_("Choose a type of question.")
    choices = [line.strip() for line in (options or "").splitlines() if line.strip()]
    if kind in WITH_OPTIONS and len(choices) < 2:
        errors["options"] = N_("Give at least two options, one per line.")
    if errors:
        raise RuleViolation(N_("Please correct the marked fields."), errors=errors)
    return {"label": label, "kind": QuestionKind(kind), "options": "\n".join(choices) if kind in WITH_OPTIONS else "",
            "required": bool(required)}


async def add_question(event_id: int, label: str, kind: str, options: str = "", required: bool = False) -> int:
    values = clean_question(label, kind, options, required)
    last = await Question.select(Question.position).where(Question.event == event_id).order_by(
        Question.position, ascending=False
    ).first()
    question = Question(event=event_id, position=(last["position"] + 1) if last else 0, **values)
    await question.save()
    return question.id


async def update_question(event_id: int, question_id: int, label: str, kind: str, options: str, required: bool) -> None:
    values = clean_question(label, kind, options, required)
    updated = await Question.update(values).where((Question.id == question_id) & (Question.event == event_id)).returning(Question.id)
    if not updated:
        raise NotFound(NO_QUESTION)


async def delete_question(event_id: int, question_id: int) -> None:
    deleted = await Question.delete().where((Question.id == question_id) & (Question.event == event_id)).returning(Question.id)
    if not deleted:
        raise NotFound(NO_QUESTION)


async def move_question(event_id: int, question_id: int, up: bool) -> None:
    """One place up or down (at either end it stays); the positions are renumbered 0, 1, 2, …"""
    async with write_transaction(Question._meta.db):
        ids = [question.id for question in await questions_of(event_id)]
        try:
            order = moved(ids, question_id, -1 if up else 1)
        except ValueError:
            raise NotFound(NO_QUESTION) from None
        for position, qid in enumerate(order):
            await Question.update({Question.position: position}).where(Question.id == qid)
