"""The quiz part of the demo: the conference's quiz round on the resilient organisation and the festival quiz,
with learn-more links to the platform's resources. Idempotent: a quiz is found by event and title."""

from __future__ import annotations

from typing import Any

from events.programme.tables import Event, Session
from events.quiz import service
from events.quiz.service import QuestionInput
from events.quiz.tables import QuestionKind, Quiz

# (event slug, session title, quiz title, questions); a question: (kind, text, seconds, points, options, resource key)
QUIZZES: list[tuple[str, str, str, list[tuple]]] = [
    (
        "weerbare-organisatie",
        "Quizronde: hoe weerbaar is uw organisatie?",
        "Hoe weerbaar is uw organisatie?",
        [
            (QuestionKind.SINGLE, "Welk aspect van integrale veiligheid gaat over de mensen in uw organisatie?", 20, 1000,
             [("Fysieke beveiliging", False), ("Personele beveiliging", True), ("Continuïteit", False), ("Voorbereiding", False)],
             "screening"),
            (QuestionKind.MULTIPLE, "Welke maatregelen helpen tegen phishing? Kies alle goede antwoorden.", 30, 1000,
             [("Een oefenmail sturen en nabespreken", True), ("Twee-factor-authenticatie", True),
              ("Wachtwoorden op een briefje", False), ("Een meldknop in de mail", True)],
             "phishing"),
            (QuestionKind.TRUEFALSE, "Een draaiboek voor een stroomstoring hoeft u pas te schrijven als de stroom uitvalt.", 15, 500,
             [("false", True)], "stroomstoring"),
            (QuestionKind.SINGLE, "Hoe vaak oefent een weerbare organisatie met haar crisisteam?", 20, 1000,
             [("Nooit, dat kost te veel tijd", False), ("Alleen na een incident", False), ("Regelmatig, minstens jaarlijks", True)],
             "crisisteam"),
            (QuestionKind.POLL, "Hoe weerbaar is uw eigen organisatie, denkt u?", 20, 0,
             [("Zeer weerbaar", False), ("Redelijk", False), ("Er is werk aan de winkel", False)], "scan"),
        ],
    ),
    (
        "weerbaarheidsfestival",
        "Festivalquiz",
        "Festivalquiz",
        [
            (QuestionKind.SINGLE, "Wat doet een mystery guest in het gemeentehuis?", 20, 1000,
             [("Koffie drinken", False), ("De toegangsbeveiliging op de proef stellen", True), ("De post bezorgen", False)],
             "mystery-guest"),
            (QuestionKind.TRUEFALSE, "Een verdachte mail meldt u het best bij uw servicedesk of security-officer.", 15, 500,
             [("true", True)], "phishing"),
        ],
    ),
]


async def load(context: Any) -> None:
    engine = Quiz._meta.db
    created = 0
    for slug, session_title, title, questions in QUIZZES:
        event_id = context.refs.get(f"event:{slug}")
        if event_id is None:
            row = await Event.select(Event.id).where(Event.slug == slug).first()
            event_id = row["id"] if row else None
        if event_id is None:
            continue  # the programme's demo did not create this event
        if await Quiz.exists().where((Quiz.event == event_id) & (Quiz.title == title)):
            continue
        session_id = context.refs.get(f"session:{slug}:{session_title}")
        if session_id is None:
            row = await Session.select(Session.id).where((Session.event == event_id) & (Session.title == session_title)).first()
            session_id = row["id"] if row else None
        quiz_id = await service.create_quiz(event_id, title, session_id)
        quiz = await service.quiz_by_id(quiz_id)
        for kind, text, seconds, points, options, resource_key in questions:
            await service.save_question(
                engine, quiz,
                QuestionInput(kind=kind, text=text, time_limit_s=seconds, points=points, options=options,
                              resource_id=context.refs.get(f"resource:{resource_key}")),
            )
        created += 1
    context.report.append(f"quiz: {created} quizzes added ({len(QUIZZES)} in the scenario)")
