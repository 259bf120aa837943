"""The demo library: a dozen resources over the six aspects, linked to the demo events; loading twice adds nothing."""

from events.demo import load_demo
from events.resources import service
from events.resources.tables import EventResource, Resource, SessionResource


async def test_demo_library_is_complete_and_idempotent(settings, clock, engine):
    report = await load_demo(settings, clock)
    assert any(line.startswith("resources:") for line in report)
    rows = await service.list_resources()
    assert len(rows) >= 12
    assert {r.aspect for r in rows} == set(service.ASPECTS)
    titles = " ".join(r.title.lower() for r in rows)
    for needle in ("lancering", "pilot", "weerbaarheidsscan", "mystery guest", "phishing", "weerbaarheidsfestival"):
        assert needle in titles
    assert all(r.url.startswith("https://www.weerbareoverheid.nl/") for r in rows)
    events_linked = await EventResource.count()
    sessions_linked = await SessionResource.count()
    assert events_linked >= 12 and sessions_linked >= 5
    await load_demo(settings, clock)
    assert await Resource.count() == len(rows)
    assert await EventResource.count() == events_linked and await SessionResource.count() == sessions_linked
