"""Control characters (C0 and C1, U+2028 and U+2029) in a single-line field — an e-mail address, a name, a title,
a label, a nickname — are refused on every write path: a 400 naming the field (a form error in the HTML), and
nothing written. (A CR in an address once split the mail's headers; an LF broke the calendar invitation.)"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.security.matrix_world import build_world, changed_tables, database_digest

BAD = ("\r\nBcc: x@evil.example", "a\x00b", "a\x85b", "a\u2028b", "a\x1bb")
START = NOW + timedelta(days=40)
SPAN = {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=1)).isoformat()}


def writes(v: dict) -> list[tuple[str, str, str, dict, str]]:
    """(who, method, path, body, the field holding the bad text) for every JSON write path with a single-line field."""
    slug, session, quiz, resource, space = v["slug"], v["session_id"], v["quiz_id"], v["resource_id"], v["space_id"]
    org = "gemeente-eigen"
    event = {"kind": "webinar", "format": "online", "join_url": "https://meet.example.org/x", "organisation": org, **SPAN}
    rows = [
        ("anonymous", "POST", f"/api/events/{slug}/registrations", {"name": "{bad}", "email": "p@gemeente.nl"}, "name"),
        ("anonymous", "POST", f"/api/events/{slug}/registrations", {"name": "Piet", "email": "p{bad}@gemeente.nl"}, "email"),
        ("anonymous", "POST", f"/api/events/{slug}/registrations",
         {"name": "Piet", "email": "p@gemeente.nl", "organisation": "{bad}"}, "organisation"),
        ("owner_a", "POST", "/api/events", {"title": "{bad}", **event}, "title"),
        ("owner_a", "POST", f"/api/events/{slug}/evaluation/questions", {"kind": "open", "text_nl": "{bad}"}, "text_nl"),
        ("owner_a", "POST", "/api/events", {"title": "Titel", "venue": "{bad}", **event}, "venue"),
        ("owner_a", "POST", "/api/events", {"title": "Titel", "contact_name": "{bad}", **event}, "contact_name"),
        ("owner_a", "PATCH", f"/api/events/{slug}", {"title": "{bad}"}, "title"),
        ("owner_a", "POST", f"/api/events/{slug}/sessions", {"title": "{bad}", **SPAN}, "title"),
        ("owner_a", "PATCH", f"/api/events/{slug}/sessions/{session}", {"title": "{bad}"}, "title"),
        ("owner_a", "POST", f"/api/events/{slug}/sessions/{session}/speakers", {"email": "s@uni.nl", "name": "{bad}"}, "name"),
        ("owner_a", "POST", f"/api/events/{slug}/sessions/{session}/speakers", {"email": "s{bad}@uni.nl", "name": "S"}, "email"),
        ("admin", "POST", "/api/organisations", {"name": "{bad}"}, "name"),
        ("owner_a", "PATCH", f"/api/organisations/{org}", {"name": "{bad}"}, "name"),
        ("owner_a", "POST", f"/api/organisations/{org}/members", {"email": "n{bad}@gemeente-eigen.nl", "role": "viewer"}, "email"),
        ("owner_a", "POST", f"/api/events/{slug}/quizzes", {"title": "{bad}"}, "title"),
        ("owner_a", "PATCH", f"/api/quizzes/{quiz}", {"title": "{bad}"}, "title"),
        ("owner_a", "POST", f"/api/quizzes/{quiz}/questions",
         {"text": "Vraag", "kind": "single", "learn_more_title": "{bad}", "learn_more_url": "https://www.example.org/x",
          "options": [{"text": "Ja", "correct": True}, {"text": "Nee", "correct": False}]}, "learn_more_title"),
        ("owner_a", "POST", "/api/resources", {"title": "{bad}", "url": "https://www.example.org/x", "aspect": "bewustzijn",
                                               "kind": "guide", "organisation": org}, "title"),
        ("owner_a", "PATCH", f"/api/resources/{resource}", {"title": "{bad}"}, "title"),
        ("owner_a", "POST", "/api/tokens", {"label": "{bad}"}, "label"),
        ("owner_a", "POST", f"/api/live/spaces/{space}/polls", {"kind": "choice", "question": "{bad}", "options": ["a", "b"]}, "question"),
        ("owner_a", "POST", f"/api/organisations/{org}/webhooks",
         {"url": "https://hooks.example.org/{bad}", "event_types": ["registration.created"]}, "url"),
    ]
    code, join_code = v["live_code"], v["quiz_code"]
    rows += [
        ("anonymous", "POST", f"/api/live/{code}/participants", {"name": "{bad}"}, "name"),
        ("anonymous", "POST", "/api/quiz/join", {"code": join_code, "nickname": "{bad}"}, "nickname"),
    ]
    return rows


def filled(body: dict, bad: str) -> dict:
    return {k: (v.replace("{bad}", bad) if isinstance(v, str) else v) for k, v in body.items()}


@pytest.fixture
def settings(settings):
    """The outbox worker stays off: its deliveries would change rows while a refused request is checked."""
    return replace(settings, deliver_in_process=False)


@pytest.fixture
async def world(app):
    async with contextlib.AsyncExitStack() as stack:
        yield await build_world(app, stack)


async def test_every_json_write_path_refuses_control_characters_in_single_line_fields(world):
    from events.live.tables import Space  # noqa: PLC0415 - the world binds the tables first
    from events.quiz.tables import Run  # noqa: PLC0415 - as above

    world.values["live_code"] = (await Space.select(Space.code).where(Space.id == world.values["space_id"]).first())["code"]
    world.values["quiz_code"] = (await Run.select(Run.join_code).where(Run.id == world.values["run_id"]).first())["join_code"]
    failures = []
    for who, method, path, body, field in writes(world.values):
        actor = world.actors[who]
        for bad in BAD:
            before = await database_digest()
            response = await actor.client.request(method, path, json=filled(body, bad), headers=actor.headers)
            named = response.status_code == 400 and field in {e.get("field") for e in response.json().get("errors", [])}
            changed = changed_tables(before, await database_digest())
            if not named or changed:
                failures.append(f"{method} {path} {field}={bad!r}: {response.status_code} {response.text[:160]} changed {changed}")
    assert not failures, "\n".join(failures)


async def test_the_forms_show_a_form_error_beside_the_field(world):
    """The registration form and the event form keep what was typed and mark the field (nothing is written); any
    other form gets the error page naming the field."""
    slug = world.values["slug"]
    anonymous, owner = world.actors["anonymous"], world.actors["owner_a"]
    before = await database_digest()
    response = await anonymous.client.post(f"/events/{slug}/register", data={
        "name": "Piet\u2028de Vries", "email": "piet@gemeente.nl", "_csrf_token": anonymous.headers["x-csrftoken"]})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text and "niet is toegestaan" in response.text
    assert 'value="piet@gemeente.nl"' in response.text

    response = await owner.client.post(f"/organiser/events/{slug}/edit", data={
        "title": "Nieuwe\r\ntitel", "_csrf_token": owner.headers["x-csrftoken"]})
    assert response.status_code == 400 and "niet is toegestaan" in response.text

    response = await owner.client.post(f"/organiser/events/{slug}/sessions/{world.values['session_id']}/speakers", data={
        "email": "s@uni.nl", "name": "Spreker\x85", "_csrf_token": owner.headers["x-csrftoken"]})
    assert response.status_code == 400 and "niet is toegestaan" in response.text
    assert not changed_tables(before, await database_digest())
