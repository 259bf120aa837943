"""Queries per page: each page costs at most a fixed number of queries, and no more with more sessions, speakers
and events (no N+1). The public cache is bypassed (a fresh version each time) so the pages' own queries count."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from events.programme import service as programme
from events.programme.tables import Event
from tests.conftest import NOW
from tests.programme.helpers import START, make_event
from tests.resources.helpers import make_resource

# The most each page may cost (measured, with a little room); the counts must not grow with the data.
# The event page reads the organisation (its statements) and the sessions' live spaces; the organiser's page also
# the live ratings and the series the event is in: each one query per page, whatever the number of sessions (the
# growth test below).
LIMITS = {"event": 12, "home": 2, "archive": 2, "library": 2, "organiser_event": 15, "manage": 6}


COUNTED: ContextVar[list[str] | None] = ContextVar("counted", default=None)


@contextmanager
def counting(engine):
    """Counts the queries this task runs (the request runs in the test's task under httpx's ASGI transport);
    background tasks (in-process mail delivery) run in their own context and are not counted."""
    counted: list[str] = []
    original = type(engine).run_querystring

    async def run_querystring(self, querystring, *args, **kwargs):
        mine = COUNTED.get()
        if mine is not None:
            mine.append(str(querystring)[:80])
        return await original(self, querystring, *args, **kwargs)

    type(engine).run_querystring = run_querystring
    token = COUNTED.set(counted)
    try:
        yield counted
    finally:
        COUNTED.reset(token)
        type(engine).run_querystring = original


async def grow(organiser, event: dict, n: int) -> None:
    """n more sessions (each with a speaker), n more events and n more library entries."""
    for i in range(n):
        starts = START + timedelta(hours=1 + i)
        session = await programme.create_session(
            event, {"title": f"Sessie {i}", "kind": "talk", "starts_at": starts, "ends_at": starts + timedelta(minutes=30)}, NOW
        )
        await programme.add_speaker(event, session["id"], f"spreker{i}-{event['id']}@example.nl", NOW, name=f"Spreker {i}")
        await make_event(organiser.id, title=f"Extra {event['id']}-{i}")
        await make_event(organiser.id, with_session=False, title=f"Voorbij {event['id']}-{i}",
                         starts_at=NOW - timedelta(days=30 + i), ends_at=NOW - timedelta(days=30 + i) + timedelta(hours=2))
        await make_resource(title=f"Hulpmiddel {event['id']}-{i}")


async def page_counts(app, client, organiser_client, event: dict, manage_path: str) -> dict[str, int]:
    pages = {
        "event": (client, f"/events/{event['slug']}"),
        "home": (client, "/"),
        "archive": (client, "/archive"),
        "library": (client, "/library"),
        "organiser_event": (organiser_client, f"/organiser/events/{event['slug']}"),
        "manage": (client, manage_path),
    }
    counts = {}
    for name, (http, path) in pages.items():
        await Event.raw("UPDATE content_version SET version = version + 1")  # no cached answer
        with counting(app.state.engine) as counted:
            response = await http.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len([query for query in counted if "content_version" not in query])  # not the cache's key
    return counts


async def test_pages_cost_a_fixed_number_of_queries(app, client, organiser_client, organiser):
    event = await make_event(organiser.id)
    reply = await client.post(
        f"/api/events/{event['slug']}/registrations",
        json={"name": "Anna", "email": "anna@gemeente.nl", "organisation": "Gemeente"},
    )
    manage_path = f"/registrations/{reply.json()['token']}"
    await grow(organiser, event, 2)
    small = await page_counts(app, client, organiser_client, event, manage_path)
    await grow(organiser, event, 5)
    large = await page_counts(app, client, organiser_client, event, manage_path)
    print(f"queries per page: {large}")
    assert large == small, f"a page's query count grows with its data (N+1): {small} -> {large}"
    over = {name: count for name, count in large.items() if count > LIMITS[name]}
    assert over == {}, f"pages above their query budget: {over} (limits {LIMITS})"
