"""Demo registrations: the events' own questions and a few participants, so the
attendee list, the counts and the export show something. Idempotent: questions by label, people by e-mail."""

from __future__ import annotations

from events.programme.tables import Event, EventStatus
from events.registration import service
from events.registration.service import Applicant, ManageLinks
from events.registration.tables import Question, QuestionKind, Registration

QUESTIONS = {
    "weerbare-organisatie": [
        ("Welke sessie spreekt u het meest aan?", QuestionKind.CHOICE, "Keynotes\nPanel met onderzoekers\nQuizronde"),
        ("Ik ga akkoord met beeldopnamen tijdens het congres", QuestionKind.CHECKBOX, ""),
    ],
    "weerbaarheidsfestival": [
        ("Aan welke workshops wilt u deelnemen?", QuestionKind.MULTIPLE, "Mystery guest\nPhishing awareness\nCrisisspel"),
        ("Dieetwensen", QuestionKind.TEXT, ""),
    ],
}
PEOPLE = [
    ("weerbare-organisatie", "Fatima el Amrani", "f.elamrani@utrecht.nl", "Gemeente Utrecht"),
    ("weerbare-organisatie", "Joost de Boer", "joost.deboer@minbzk.nl", "Ministerie van BZK"),
    ("weerbare-organisatie", "Sanne Visser", "s.visser@veiligheidsregio.nl", "Veiligheidsregio Utrecht"),
    ("webinar-integrale-veiligheid", "Pieter Bakker", "p.bakker@zwolle.nl", "Gemeente Zwolle"),
    ("weerbaarheidsfestival", "Lotte Jansen", "lotte.jansen@gouda.nl", "Gemeente Gouda"),
]


async def load(context) -> None:
    links = ManageLinks.from_settings(context.settings)
    added_questions = added_people = 0
    for slug, questions in QUESTIONS.items():
        event_id = context.refs.get(f"event:{slug}")
        if event_id is None:
            continue
        for label, kind, options in questions:
            if not await Question.exists().where((Question.event == event_id) & (Question.label == label)):
                await service.add_question(event_id, label, kind, options)
                added_questions += 1
    for slug, name, email, organisation in PEOPLE:
        event = await Event.select().where(Event.slug == slug).first()
        if event is None or event["status"] != EventStatus.PUBLISHED:
            continue
        if await Registration.exists().where(
            (Registration.event == event["id"]) & (Registration.email_normalised == email.lower())
        ):
            continue
        if service.registration_closed_reason(event, context.now):
            continue
        await service.register(slug, Applicant(name, email, organisation), context.now, links)
        added_people += 1
    context.report.append(f"registration: {added_questions} questions and {added_people} registrations added")
