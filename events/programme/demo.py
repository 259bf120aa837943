"""Demo programme: the conference "Weerbare organisatie", the COT webinar on integral security and a
weerbaarheidsfestival in Gouda — dated from `context.now` so they are upcoming. Idempotent by slug and title."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.accounts import service as accounts
from events.programme import service as programme
from events.programme.tables import Event, Session, SessionSpeaker

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# e-mail -> (name, organisation, bio)
SPEAKERS = {
    "m.devries@example.nl": ("Marieke de Vries", "Dagvoorzitter", "Marieke de Vries is presentator en dagvoorzitter van bijeenkomsten over openbaar bestuur en veiligheid."),
    "joost@tekenaar.example.nl": ("Joost Verbeek", "Studio Verbeek", "Joost Verbeek tekent live wat er gezegd wordt: de dag in cartoons."),
    "a.bakker@universiteit.example.nl": ("Prof. dr. Annelies Bakker", "Universiteit Leiden (fictief)", "Annelies Bakker is hoogleraar crisisbeheersing en doet onderzoek naar weerbare organisaties."),
    "r.hoekstra@ncsc.example.nl": ("Dr. Ruben Hoekstra", "Nationaal Cyberbureau (fictief)", "Ruben Hoekstra adviseert overheden over digitale dreigingen en informatiebeveiliging."),
    "f.elamrani@universiteit.example.nl": ("Dr. Fatima El Amrani", "Erasmus Universiteit (fictief)", "Fatima El Amrani onderzoekt personele beveiliging en integriteit in publieke organisaties."),
    "p.jansen@hogeschool.example.nl": ("Dr. Pieter Jansen", "Hogeschool Utrecht (fictief)", "Pieter Jansen onderzoekt bedrijfscontinuïteit bij gemeenten."),
    "l.vandijk@universiteit.example.nl": ("Lotte van Dijk MSc", "Universiteit Twente (fictief)", "Lotte van Dijk promoveert op veiligheidsbewustzijn van medewerkers."),
    "h.smit@cot.example.nl": ("Hanneke Smit", "COT Instituut voor Veiligheids- en Crisismanagement", "Hanneke Smit is senior adviseur integrale veiligheid bij het COT."),
    "b.mulder@cot.example.nl": ("Bas Mulder", "COT Instituut voor Veiligheids- en Crisismanagement", "Bas Mulder begeleidt gemeenten bij oefeningen en crisisplannen."),
    "s.yilmaz@gemeente.example.nl": ("Selin Yılmaz", "Gemeente Gouda (fictief)", "Selin Yılmaz is CISO van een middelgrote gemeente."),
    "t.dekker@beveiliging.example.nl": ("Thomas Dekker", "Dekker Security Awareness", "Thomas Dekker test als mystery guest hoe makkelijk je een gemeentehuis binnenkomt."),
}


def next_date(today: date, month: int, day: int, weekday: int | None = None) -> date:
    """The first (month, day) after today, on the given weekday when asked (Monday = 0)."""
    year = today.year
    while True:
        candidate = date(year, month, day)
        if candidate > today and (weekday is None or candidate.weekday() == weekday):
            return candidate
        year += 1


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def scenario(today: date) -> list[dict[str, Any]]:
    conference = next_date(today, 12, 6)
    webinar = next_date(today, 1, 20, weekday=3)
    festival = date(today.year + 1, 6, 10)
    festival += timedelta(days=(3 - festival.weekday()) % 7)  # the Thursday on or after 10 June
    return [
        {
            "slug": "weerbare-organisatie",
            "organiser": "organisator@weerbareoverheid.nl", "organisation": "ministerie-van-bzk",
            "event": {
                "title": "Weerbare organisatie", "kind": "conference", "format": "online",
                "summary": "Digitale conferentie over de weerbare organisatie: keynotes, een panel met onderzoekers, een quiz en de lancering van het Platform weerbare overheid.",
                "description": (
                    "Hoe blijft een overheidsorganisatie overeind als het tegenzit? Tijdens deze digitale conferentie "
                    "nemen sprekers uit wetenschap en praktijk u mee langs de zes aspecten van integrale veiligheid.\n\n"
                    "- Twee keynotes\n- Een panel met drie onderzoekers\n- Een quizronde: hoe weerbaar is uw organisatie?\n"
                    "- De lancering van het **Platform weerbare overheid**\n\n"
                    "Een live cartoonist legt de dag vast in tekeningen."
                ),
                "starts_at": at(conference, 9, 30), "ends_at": at(conference, 14, 30),
                "join_url": "https://meet.example.org/weerbare-organisatie", "capacity": 500,
                "contact_name": "Programmateam Weerbare overheid", "contact_email": "organisator@weerbareoverheid.nl",
                "reminder_minutes": "1440,15",
            },
            "sessions": [
                ("Opening door de dagvoorzitter", "talk", 9, 30, 9, 45, "", "", ["m.devries@example.nl"]),
                ("Live cartoonist: de dag in beeld", "talk", 9, 30, 14, 30, "", "", ["joost@tekenaar.example.nl"]),
                ("Keynote: weerbaarheid begint bij mensen", "talk", 9, 45, 10, 30, "", "", ["a.bakker@universiteit.example.nl"]),
                ("Keynote: digitale dreigingen en de weerbare overheid", "talk", 10, 30, 11, 15, "", "", ["r.hoekstra@ncsc.example.nl"]),
                ("Pauze", "break", 11, 15, 11, 30, "", "", []),
                ("Panel: onderzoek naar de weerbare organisatie", "panel", 11, 30, 12, 30, "", "",
                 ["f.elamrani@universiteit.example.nl", "p.jansen@hogeschool.example.nl", "l.vandijk@universiteit.example.nl", "m.devries@example.nl"]),
                ("Lunchpauze", "break", 12, 30, 13, 15, "", "", []),
                ("Quizronde: hoe weerbaar is uw organisatie?", "quiz", 13, 15, 13, 45, "", "", ["m.devries@example.nl"]),
                ("Lancering van het Platform weerbare overheid", "talk", 13, 45, 14, 15, "", "", []),
                ("Afsluiting", "talk", 14, 15, 14, 30, "", "", ["m.devries@example.nl"]),
            ],
        },
        {
            "slug": "webinar-integrale-veiligheid",
            "organiser": "organisator@cot.nl", "organisation": "cot",
            "event": {
                "title": "Webinar integrale veiligheid", "kind": "webinar", "format": "online",
                "summary": "Het COT over integrale veiligheid: de zes aspecten in samenhang, met een casus uit een gemeente.",
                "description": "Integrale veiligheid vraagt om samenhang tussen fysieke beveiliging, informatiebeveiliging, "
                "personele beveiliging, continuïteit, voorbereiding en bewustzijn. In dit webinar laat het COT zien hoe.",
                "starts_at": at(webinar, 13, 0), "ends_at": at(webinar, 15, 0),
                "join_url": "https://meet.example.org/cot-integrale-veiligheid", "capacity": 100,
                "contact_name": "COT", "contact_email": "organisator@cot.nl", "reminder_minutes": "1440,15",
            },
            "sessions": [
                ("Welkom en introductie", "talk", 13, 0, 13, 10, "", "", ["b.mulder@cot.example.nl"]),
                ("Integrale veiligheid: de zes aspecten", "talk", 13, 10, 14, 0, "", "", ["h.smit@cot.example.nl"]),
                ("Casus: een gemeente onder druk", "talk", 14, 0, 14, 40, "", "", ["b.mulder@cot.example.nl", "s.yilmaz@gemeente.example.nl"]),
                ("Vragen en afsluiting", "panel", 14, 40, 15, 0, "", "", ["h.smit@cot.example.nl", "b.mulder@cot.example.nl"]),
            ],
        },
        {
            "slug": "weerbaarheidsfestival",
            "organiser": "organisator@gouda.example.nl", "organisation": "gemeente-gouda",
            "event": {
                "title": "Weerbaarheidsfestival Gouda", "kind": "festival", "format": "onsite",
                "summary": "Een dag vol workshops over weerbaarheid, van mystery guest tot phishing awareness.",
                "description": "Op het weerbaarheidsfestival ervaart u zelf hoe weerbaar uw organisatie is. Kies uw workshops "
                "in de verschillende zalen en sluit af met een borrel.",
                "starts_at": at(festival, 10, 0), "ends_at": at(festival, 17, 0),
                "venue": "Goudse Schouwburg, Boelekade 67, 2806 AP Gouda", "capacity": 250,
                "contact_name": "Programmateam Weerbare overheid", "contact_email": "organisator@weerbareoverheid.nl",
            },
            "sessions": [
                ("Opening op het hoofdpodium", "talk", 10, 0, 10, 30, "Grote zaal", "Plenair", ["m.devries@example.nl"]),
                ("Workshop: de mystery guest", "workshop", 10, 45, 12, 0, "Zaal 1", "Fysieke beveiliging", ["t.dekker@beveiliging.example.nl"]),
                ("Workshop: phishing awareness", "workshop", 10, 45, 12, 0, "Zaal 2", "Bewustzijn", ["s.yilmaz@gemeente.example.nl"]),
                ("Lunch", "break", 12, 0, 13, 0, "Foyer", "", []),
                ("Workshop: continuïteit bij een stroomstoring", "workshop", 13, 0, 14, 15, "Zaal 1", "Continuïteit", ["p.jansen@hogeschool.example.nl"]),
                ("Workshop: oefenen met een crisisteam", "workshop", 13, 0, 14, 15, "Zaal 2", "Voorbereiding", ["b.mulder@cot.example.nl"]),
                ("Festivalquiz", "quiz", 14, 30, 15, 15, "Grote zaal", "Plenair", ["m.devries@example.nl"]),
                ("Afsluiting en borrel", "break", 15, 30, 17, 0, "Foyer", "", []),
            ],
        },
    ]


async def _speaker_id(email: str) -> int:
    name, organisation, bio = SPEAKERS[email]
    speaker, _created = await accounts.get_or_create_speaker(email, name=name, organisation=organisation, bio=bio)
    return speaker.id


async def load(context) -> None:
    now = context.now
    today = now.astimezone(AMSTERDAM).date()
    made_events = made_sessions = 0
    for item in scenario(today):
        slug = item["slug"]
        organiser_id = context.refs.get(f"user:{item['organiser']}")
        if organiser_id is None:
            organiser_id = (await accounts.user_by_email(item["organiser"])).id
        event = await Event.select().where(Event.slug == slug).first()
        if event is None:
            event = await programme.create_event(
                item["event"], organiser_id, now, slug=slug, organisation=item["organisation"]
            )
            event = await programme.change_status(event, "publish", now)
            made_events += 1
        context.refs[f"event:{slug}"] = event["id"]
        day = event["starts_at"].astimezone(AMSTERDAM).date()
        for title, kind, h1, m1, h2, m2, room, track, speaker_emails in item["sessions"]:
            session = await Session.select(Session.id).where((Session.event == event["id"]) & (Session.title == title)).first()
            if session is None:
                session = await programme.create_session(
                    event,
                    {"title": title, "kind": kind, "starts_at": at(day, h1, m1), "ends_at": at(day, h2, m2),
                     "room": room, "track": track},
                    now,
                )
                made_sessions += 1
                for position, email in enumerate(speaker_emails):
                    await SessionSpeaker(session=session["id"], speaker=await _speaker_id(email), position=position).save()
            context.refs[f"session:{slug}:{title}"] = session["id"]
        for email in {e for s in item["sessions"] for e in s[8]}:
            context.refs[f"user:{email}"] = await _speaker_id(email)
    context.report.append(
        f"programme: {made_events} new events, {made_sessions} new sessions "
        "(/events/weerbare-organisatie, /events/webinar-integrale-veiligheid, /events/weerbaarheidsfestival)"
    )
