"""The demo scenario: upcoming, published, on the dates the story needs, and loading twice adds nothing."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from events.accounts.tables import User
from events.demo import load_demo
from events.programme import service as programme
from events.programme.demo import next_date
from events.programme.tables import Event, Session, SessionSpeaker
from tests.conftest import NOW

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def counts():
    return await Event.count(), await Session.count(), await SessionSpeaker.count(), await User.count()


async def test_demo_loads_the_scenario_and_twice_adds_nothing(settings, clock, engine):
    report = await load_demo(settings, clock)
    assert any(line.startswith("programme: 3 new events") for line in report)
    first = await counts()
    report = await load_demo(settings, clock)
    assert any(line.startswith("programme: 0 new events, 0 new sessions") for line in report)
    assert await counts() == first

    events = {row["slug"]: row for row in await Event.select()}
    assert set(events) >= {"weerbare-organisatie", "webinar-integrale-veiligheid", "weerbaarheidsfestival"}
    assert all(e["status"] == "published" and e["starts_at"] > NOW for e in events.values())
    conference = events["weerbare-organisatie"]
    assert conference["starts_at"].astimezone(AMSTERDAM).date() == date(2026, 12, 6) and conference["format"] == "online"
    assert conference["join_url"].startswith("https://meet.example.org/")
    webinar = events["webinar-integrale-veiligheid"]
    local = webinar["starts_at"].astimezone(AMSTERDAM)
    assert (local.month, local.day, local.weekday(), local.hour) == (1, 20, 3, 13)  # Thursday 20 January, 13:00
    assert webinar["ends_at"].astimezone(AMSTERDAM).hour == 15 and webinar["capacity"] == 100
    festival = events["weerbaarheidsfestival"]
    assert festival["format"] == "onsite" and "Gouda" in festival["venue"]

    titles = {s["title"]: s for s in await programme.sessions_of(conference["id"])}
    assert {"quiz", "panel", "break"} <= {s["kind"] for s in titles.values()}
    panel = next(s for s in titles.values() if s["kind"] == "panel")
    assert len(await programme.speakers_of_session(panel["id"])) >= 3
    festival_sessions = await programme.sessions_of(festival["id"])
    workshops = [s["title"] for s in festival_sessions if s["kind"] == "workshop"]
    assert any("mystery guest" in t for t in workshops) and any("phishing" in t for t in workshops)
    assert all(s["room"] for s in festival_sessions)
    for event in events.values():  # every session lies within its event
        for session in await programme.sessions_of(event["id"]):
            assert event["starts_at"] <= session["starts_at"] < session["ends_at"] <= event["ends_at"]


async def test_demo_refs_carry_ids_for_the_other_domains(settings, clock, engine):
    from events.accounts import demo as accounts_demo
    from events.demo import DemoContext
    from events.organisations import demo as organisations_demo
    from events.programme import demo as programme_demo

    context = DemoContext(settings=settings, clock=clock)
    await accounts_demo.load(context)
    await organisations_demo.load(context)
    await programme_demo.load(context)
    event_id = context.refs["event:weerbare-organisatie"]
    quiz_session = context.refs["session:weerbare-organisatie:Quizronde: hoe weerbaar is uw organisatie?"]
    assert (await programme.session_by_id(quiz_session))["event"] == event_id


def test_next_date_finds_the_coming_thursday_20_january():
    assert next_date(date(2026, 11, 1), 1, 20, weekday=3) == date(2028, 1, 20)
    assert next_date(date(2026, 11, 1), 12, 6) == date(2026, 12, 6)
    assert next_date(date(2026, 12, 6), 12, 6) == date(2027, 12, 6)
    assert datetime(2028, 1, 20, tzinfo=UTC).weekday() == 3


async def test_demo_organisations_run_their_own_event_with_owner_editor_and_bzks_viewer(settings, clock, engine):
    from events.accounts.tables import Role
    from events.organisations.tables import Membership, Organisation

    await load_demo(settings, clock)
    slugs = {row["id"]: row["slug"] for row in await Organisation.select(Organisation.id, Organisation.slug)}
    events = {row["slug"]: slugs[row["organisation"]] for row in await Event.select(Event.slug, Event.organisation)}
    assert events["weerbare-organisatie"] == "ministerie-van-bzk" and events["webinar-integrale-veiligheid"] == "cot"
    assert events["weerbaarheidsfestival"] == "gemeente-gouda"
    teams: dict[str, set[tuple[str, str]]] = {}
    for row in await Membership.select(Membership.organisation, Membership.role, Membership.member.email.as_alias("email")):
        teams.setdefault(slugs[row["organisation"]], set()).add((row["role"], row["email"]))
    assert teams == {
        "ministerie-van-bzk": {("owner", "organisator@weerbareoverheid.nl"), ("editor", "redacteur@weerbareoverheid.nl"),
                               ("viewer", "meelezer@weerbareoverheid.nl")},
        "cot": {("owner", "organisator@cot.nl"), ("editor", "redacteur@cot.nl")},
        "gemeente-gouda": {("owner", "organisator@gouda.example.nl"), ("editor", "redacteur@gouda.example.nl")},
    }
    assert await User.count().where(User.role == Role.ADMIN) == 1
    for event in await Event.select(Event.id):  # every event has its speakers
        sessions = await programme.sessions_of(event["id"])
        assert any([await programme.speakers_of_session(s["id"]) for s in sessions])
