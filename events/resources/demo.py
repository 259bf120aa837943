"""Demo resources: the Platform weerbare overheid's library over the six aspects, linked to the demo events and
sessions. Idempotent by URL; links only where the programme's demo events exist. Puts `resource:<key>` -> id in
`context.refs` for the quiz's "learn more" links."""

from __future__ import annotations

from typing import Any

from events.programme.tables import Event, Session
from events.resources import service
from events.resources.tables import Resource

BASE = "https://www.weerbareoverheid.nl"

# key, title, path, aspect, kind, tags, summary
RESOURCES: list[tuple[str, str, str, str, str, str, str]] = [
    ("lancering", "Lancering van het Platform weerbare overheid", "/nieuws/lancering-platform", "bewustzijn", "story",
     "platform,lancering", "Waarom gemeenten, provincies en rijk één plek krijgen voor verhalen, handreikingen en tools over weerbaarheid."),
    ("pilot", "Pilot integrale veiligheid in vijf gemeenten", "/verhalen/pilot-integrale-veiligheid", "voorbereiding", "story",
     "pilot,gemeente,integrale veiligheid", "Vijf gemeenten brachten alle zes aspecten tegelijk in kaart. Wat werkte, wat niet, en wat ze anderen aanraden."),
    ("scan", "De weerbaarheidsscan", "/tools/weerbaarheidsscan", "voorbereiding", "scan",
     "scan,zelftest", "In een uur zicht op de weerbaarheid van uw organisatie, per aspect, met concrete verbeterpunten."),
    ("mystery-guest", "Idee: een mystery guest in het gemeentehuis", "/ideeen/mystery-guest", "fysieke_beveiliging", "guide",
     "mystery guest,toegang,oefening", "Laat een onbekende proberen binnen te komen en leer van wat er gebeurt, zonder iemand af te rekenen."),
    ("toegang", "Handreiking toegangsbeveiliging voor publieksbalies", "/handreikingen/toegangsbeveiliging", "fysieke_beveiliging", "guide",
     "toegang,balie,agressie", "Zones, passen en afspraken voor een gastvrij én veilig gemeentehuis."),
    ("phishing", "Idee: een nep-phishingmail als oefening", "/ideeen/nep-phishingmail", "informatiebeveiliging", "guide",
     "phishing,oefening,e-mail", "Zo zet u een onschuldige phishingtest op, met uitleg voor wie klikt in plaats van een reprimande."),
    ("ransomware", "Opname: ransomware bij een waterschap, de eerste 72 uur", "/opnames/ransomware-72-uur", "informatiebeveiliging", "recording",
     "ransomware,incident", "Een CISO vertelt hoe het crisisteam de eerste drie dagen doorkwam."),
    ("screening", "Handreiking screening en integriteit bij indiensttreding", "/handreikingen/screening", "personele_beveiliging", "guide",
     "screening,vog,integriteit", "Wanneer vraagt u een VOG, hoe voert u een integriteitsgesprek en wat mag wel en niet."),
    ("insider", "Verhaal: de medewerker die te veel wist", "/verhalen/insider", "personele_beveiliging", "story",
     "insider,integriteit", "Hoe een gemeente een lek van binnenuit ontdekte, en wat ze daarna veranderde."),
    ("stroomstoring", "Tool: draaiboek stroomstoring", "/tools/draaiboek-stroomstoring", "continuiteit", "tool",
     "stroomstoring,bcm,draaiboek", "Een invulbaar draaiboek om vitale processen 72 uur zonder stroom te laten doorgaan."),
    ("bcm", "Opname webinar: bedrijfscontinuïteit in de praktijk", "/opnames/bedrijfscontinuiteit", "continuiteit", "recording",
     "bcm,webinar", "Drie continuïteitsmanagers over uitwijk, prioriteiten en oefenen."),
    ("crisisteam", "Handreiking: oefenen met uw crisisteam", "/handreikingen/oefenen-crisisteam", "voorbereiding", "guide",
     "oefening,crisis", "Van tafeloefening tot volledige simulatie: kies de oefenvorm die past."),
    ("festival", "Idee: organiseer een weerbaarheidsfestival", "/ideeen/weerbaarheidsfestival", "bewustzijn", "guide",
     "festival,bewustzijn", "Workshops, een quiz en een mystery guest: zo maakt u weerbaarheid een feest voor alle collega's."),
    ("awareness-en", "Security awareness in the public sector (English)", "/en/security-awareness", "bewustzijn", "guide",
     "awareness", "An English summary of the platform's approach to awareness campaigns."),
]
ENGLISH = {"awareness-en"}

EVENT_LINKS = {
    "weerbare-organisatie": ["lancering", "scan", "mystery-guest", "phishing", "screening", "stroomstoring"],
    "webinar-integrale-veiligheid": ["pilot", "scan", "toegang", "ransomware", "insider", "bcm"],
    "weerbaarheidsfestival": ["festival", "mystery-guest", "phishing", "stroomstoring", "crisisteam", "awareness-en"],
}
SESSION_LINKS = {
    ("weerbare-organisatie", "Lancering van het Platform weerbare overheid"): ["lancering"],
    ("weerbare-organisatie", "Keynote: digitale dreigingen en de weerbare overheid"): ["ransomware", "phishing"],
    ("webinar-integrale-veiligheid", "Integrale veiligheid: de zes aspecten"): ["pilot", "scan"],
    ("weerbaarheidsfestival", "Workshop: de mystery guest"): ["mystery-guest", "toegang"],
    ("weerbaarheidsfestival", "Workshop: phishing awareness"): ["phishing"],
    ("weerbaarheidsfestival", "Workshop: continuïteit bij een stroomstoring"): ["stroomstoring"],
    ("weerbaarheidsfestival", "Workshop: oefenen met een crisisteam"): ["crisisteam"],
}


async def load(context: Any) -> None:
    now = context.now
    engine = Resource._meta.db
    ids: dict[str, int] = {}
    created = 0
    for key, title, path, aspect, kind, tags, summary in RESOURCES:
        url = BASE + path
        existing = await Resource.select(Resource.id).where(Resource.url == url).first()
        if existing is None:
            row = await service.create_resource(
                {"title": title, "url": url, "aspect": aspect, "kind": kind, "tags": tags, "summary": summary,
                 "language": "en" if key in ENGLISH else "nl"},
                None, now,
            )
            ids[key] = row.id
            created += 1
        else:
            ids[key] = existing["id"]
        context.refs[f"resource:{key}"] = ids[key]
    linked = 0
    for slug, keys in EVENT_LINKS.items():
        event_id = context.refs.get(f"event:{slug}")
        if event_id is None:
            event = await Event.select(Event.id).where(Event.slug == slug).first()
            event_id = event["id"] if event else None
        if event_id is None:
            continue  # the programme's demo did not create this event
        for key in keys:
            await service.attach_to_event(event_id, ids[key], engine)
            linked += 1
    for (slug, title), keys in SESSION_LINKS.items():
        session_id = context.refs.get(f"session:{slug}:{title}")
        if session_id is None:
            row = await Session.select(Session.id).where(
                (Session.title == title) & (Session.event.slug == slug)
            ).first()
            session_id = row["id"] if row else None
        if session_id is None:
            continue
        for key in keys:
            await service.attach_to_session(session_id, ids[key], engine)
            linked += 1
    context.report.append(f"resources: {created} new of {len(RESOURCES)} in the library, {linked} links to events and sessions")
