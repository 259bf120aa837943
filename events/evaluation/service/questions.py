"""The evaluation form's questions: the defaults an event starts with, and the organiser's edits (add, edit,
reorder, delete). The first edit copies the defaults into the event's rows (keeping their keys, so answers given
before the edit still count under the same question) and marks the form `customised`."""

from __future__ import annotations

from typing import Any

from events.evaluation.rows import QuestionRow
from events.evaluation.tables import Form, Question, QuestionKind
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters
from events.programme.tables import Event

TEXT_MAX = 300
OPTION_MAX = 200
OPTIONS_MAX = 12
QUESTIONS_MAX = 30
NO_QUESTION = N_("This evaluation has no question with this number")

DEFAULTS = (
    QuestionRow(None, "overall", 0, QuestionKind.SCALE, "Welk cijfer geef je deze bijeenkomst in het geheel?",
                "How would you rate this event overall?", [], [], True),
    QuestionRow(None, "usefulness", 1, QuestionKind.SCALE, "Hoe nuttig was de bijeenkomst voor je werk?",
                "How useful was this event for your work?", [], [], False),
    QuestionRow(None, "change", 2, QuestionKind.OPEN, "Wat zou je veranderen aan deze bijeenkomst?",
                "What would you change about this event?", [], [], False),
)


async def form_of(event_id: int) -> dict[str, Any]:
    row = await Form.select().where(Form.event == event_id).first()
    return row or {"customised": False, "no_shows_may_answer": False}


async def questions_of(event_id: int) -> list[QuestionRow]:
    """The event's questions in their order: the defaults until the organiser edits them."""
    if not (await form_of(event_id))["customised"]:
        return list(DEFAULTS)
    rows = await Question.select().where(Question.event == event_id).order_by(Question.position).order_by(Question.id)
    return [QuestionRow.from_row(r) for r in rows]


def _lines(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def clean_question(data: dict[str, Any]) -> dict[str, Any]:
    """A question's fields from a form or the API, or RuleViolation with a message per field."""
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "").strip()
    if kind not in set(QuestionKind):
        errors["kind"] = N_("Choose a type: scale, choice or open")
    raw = {lang: str(data.get(f"text_{lang}") or "") for lang in ("nl", "en")}
    texts = {lang: text.strip() for lang, text in raw.items()}
    if not texts["nl"]:
        errors["text_nl"] = N_("Write the question in Dutch")
    for lang, text in texts.items():
        if len(text) > TEXT_MAX or has_control_characters(raw[lang]):  # before stripping: a leading CR LF counts
            errors[f"text_{lang}"] = N_("At most 300 characters, on one line")
    options = {lang: _lines(data.get(f"options_{lang}")) for lang in ("nl", "en")}
    if kind == QuestionKind.CHOICE and not 2 <= len(options["nl"]) <= OPTIONS_MAX:
        errors["options_nl"] = N_("A choice has 2 to 12 options, one per line")
    if options["en"] and len(options["en"]) != len(options["nl"]):
        errors["options_en"] = N_("Give as many English options as Dutch ones, or none")
    for lang, values in options.items():
        if any(len(v) > OPTION_MAX or has_control_characters(v) for v in values):
            errors[f"options_{lang}"] = N_("An option has at most 200 characters")
    if errors:
        raise RuleViolation(N_("The question is not complete"), errors)
    keep = kind == QuestionKind.CHOICE
    return {"kind": kind, "text_nl": texts["nl"], "text_en": texts["en"], "required": bool(data.get("required")),
            "options_nl": "\n".join(options["nl"]) if keep else "", "options_en": "\n".join(options["en"]) if keep else ""}


async def _customise(event_id: int) -> None:
    """Inside the caller's write transaction: the defaults become the event's rows (once)."""
    await lock_row(Event._meta.db, Event, event_id)
    form = await Form.select().where(Form.event == event_id).first()
    if form and form["customised"]:
        return
    if form is None:
        await Form.insert(Form(event=event_id, customised=True))
    else:
        await Form.update({Form.customised: True}).where(Form.event == event_id)
    for q in DEFAULTS:
        await Question.insert(Question(event=event_id, key=q.key, position=q.position, kind=q.kind.value,
                                       text_nl=q.text_nl, text_en=q.text_en, required=q.required))


async def _row(event_id: int, question_id: int) -> dict[str, Any]:
    row = await Question.select().where((Question.event == event_id) & (Question.id == question_id)).first()
    if row is None:
        raise NotFound(NO_QUESTION)
    return row


async def add_question(event_id: int, data: dict[str, Any]) -> QuestionRow:
    values = clean_question(data)
    async with write_transaction(Question._meta.db):
        await _customise(event_id)
        existing = await Question.select(Question.position).where(Question.event == event_id)
        if len(existing) >= QUESTIONS_MAX:
            raise RuleViolation(N_("An evaluation has at most 30 questions"))
        position = max((r["position"] for r in existing), default=-1) + 1
        inserted = await Question.insert(Question(event=event_id, key="new", position=position, **values)).returning(Question.id)
        question_id = inserted[0]["id"]
        await Question.update({Question.key: f"q{question_id}"}).where(Question.id == question_id)
    return QuestionRow.from_row(await _row(event_id, question_id))


async def _customised_id(event_id: int, key: str) -> int:
    """Inside the write transaction: the row id of the question with this key ("overall", "q12")."""
    row = await Question.select(Question.id).where((Question.event == event_id) & (Question.key == str(key)[:40])).first()
    if row is None:
        raise NotFound(NO_QUESTION)
    return row["id"]


async def update_question(event_id: int, question_ref: str, data: dict[str, Any]) -> QuestionRow:
    """Edit a question (named by its key); its answers stay under that key."""
    values = clean_question(data)
    async with write_transaction(Question._meta.db):
        await _customise(event_id)
        question_id = await _customised_id(event_id, question_ref)
        await Question.update(values).where(Question.id == question_id)
    return QuestionRow.from_row(await _row(event_id, question_id))


async def delete_question(event_id: int, question_ref: str) -> None:
    async with write_transaction(Question._meta.db):
        await _customise(event_id)
        question_id = await _customised_id(event_id, question_ref)
        await Question.delete().where(Question.id == question_id)


async def move_question(event_id: int, question_ref: str, to: int | str) -> list[QuestionRow]:
    """Move a question "up", "down" or to a position (0 is first); the others close up."""
    async with write_transaction(Question._meta.db):
        await _customise(event_id)
        question_id = await _customised_id(event_id, question_ref)
        rows = await Question.select(Question.id).where(Question.event == event_id).order_by(Question.position).order_by(Question.id)
        ids = [r["id"] for r in rows]
        at = ids.index(question_id)
        target = {"up": at - 1, "down": at + 1}.get(to, to) if isinstance(to, str) else to
        if not isinstance(target, int):
            raise RuleViolation(N_("Move a question up, down or to a position"), {"position": N_("A number")})
        ids.insert(max(0, min(len(ids) - 1, target)), ids.pop(at))
        for position, row_id in enumerate(ids):
            await Question.update({Question.position: position}).where(Question.id == row_id)
    return await questions_of(event_id)


async def set_no_shows_may_answer(event_id: int, allowed: bool) -> None:
    async with write_transaction(Form._meta.db):
        await lock_row(Event._meta.db, Event, event_id)
        if await Form.exists().where(Form.event == event_id):
            await Form.update({Form.no_shows_may_answer: allowed}).where(Form.event == event_id)
        else:
            await Form.insert(Form(event=event_id, customised=False, no_shows_may_answer=allowed))
