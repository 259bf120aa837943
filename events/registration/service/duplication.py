"""Registration's part of duplicating an event (programme.on_event_duplicate): the questions of the registration
form, in their order. Registrations, their answers, reminders sent and attendance stay with the source (the
reminder schedule and its texts are the event's own columns, copied by the programme)."""

from __future__ import annotations

from events.kernel.database import insert_rows
from events.programme.service import Duplication
from events.registration.tables import Question


async def copy_questions(duplication: Duplication) -> None:
    questions = await Question.select().where(Question.event == duplication.source["id"]).order_by(Question.position, Question.id)
    await insert_rows(Question, [
        Question(event=duplication.copy["id"], position=q["position"], label=q["label"], kind=q["kind"],
                 options=q["options"], required=q["required"])
        for q in questions
    ], returning=())
