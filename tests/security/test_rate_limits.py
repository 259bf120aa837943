"""Rate limits on sign-in, registration and quiz join: 429 with Retry-After, counted across worker processes."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from events.app import create_app
from events.kernel.settings import DEFAULT_RATE_LIMITS, Settings, SettingsError, parse_rate_limits
from events.web.ratelimit import SQLiteCounter, bucket_of
from tests.conftest import NOW, TEST_REDIS_URL, LiveServer, get_csrf, http_client, needs_redis


def limited(settings: Settings, **limits: tuple[int, int]) -> Settings:
    return replace(settings, rate_limits=limits)


async def failed_login(client: httpx.AsyncClient, **headers: str) -> httpx.Response:
    token = await get_csrf(client)
    return await client.post(
        "/login", data={"email": "nobody@example.org", "password": "wrong", "_csrf_token": token}, headers=headers
    )


def test_settings_parse_the_limits():
    assert parse_rate_limits(None) == DEFAULT_RATE_LIMITS
    assert parse_rate_limits("off") == {}
    assert parse_rate_limits("login=3/10") == {**DEFAULT_RATE_LIMITS, "login": (3, 10)}
    assert "login" not in parse_rate_limits("login=off")
    for bad in ("logon=3/10", "login=3", "login=0/60", "login=a/b"):
        with pytest.raises(SettingsError, match="EVENTS_RATE_LIMITS"):
            parse_rate_limits(bad)
    env = {"EVENTS_RATE_LIMITS": "off", "EVENTS_SECRET_KEY": "x" * 40}
    assert Settings.from_env(env).rate_limits == {}


async def test_login_is_limited_with_a_dutch_page_and_retry_after(settings, clock, engine):
    app = create_app(limited(settings, login=(3, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        for _ in range(3):
            assert (await failed_login(client)).status_code == 400
        response = await failed_login(client)
        assert response.status_code == 429
        # The frozen clock stands at 09:00:00, the start of a 60-second window.
        assert response.headers["retry-after"] == "60"
        assert "text/html" in response.headers["content-type"]
        assert "Te veel pogingen in korte tijd. Wacht 60 seconden" in response.text
        assert '<html lang="nl">' in response.text

        # English visitors read it in English.
        response = await failed_login(client, cookie=f"events_lang=en; events_csrf={client.cookies['events_csrf']}")
        assert response.status_code == 429
        assert "Too many attempts in a short time. Wait 60 seconds" in response.text

        # A new window opens the door again.
        clock.advance(seconds=61)
        assert (await failed_login(client)).status_code == 400


async def test_login_is_also_limited_per_account(settings, clock, engine):
    app = create_app(limited(settings, login=(100, 60), login_account=(3, 900)), clock=clock, engine=engine)
    async with http_client(app) as client:
        token = await get_csrf(client)

        async def attempt(email: str) -> int:
            data = {"email": email, "password": "wrong", "_csrf_token": token}
            return (await client.post("/login", data=data)).status_code

        assert [await attempt("Slachtoffer@example.org") for _ in range(3)] == [400, 400, 400]
        assert await attempt("slachtoffer@example.org") == 429  # the same account, however it is spelled
        assert await attempt("iemand-anders@example.org") == 400  # the address itself is not blocked
        clock.advance(seconds=901)
        assert await attempt("slachtoffer@example.org") == 400


async def test_retry_after_counts_down_within_the_window(settings, clock, engine):
    app = create_app(limited(settings, login=(1, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        clock.advance(seconds=45)
        assert (await failed_login(client)).status_code == 400
        response = await failed_login(client)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "15"


async def test_only_limited_routes_count(settings, clock, engine):
    app = create_app(limited(settings, login=(1, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        for _ in range(5):
            assert (await client.get("/login")).status_code == 200
            assert (await client.get("/healthz")).status_code == 200
        assert (await failed_login(client)).status_code == 400
        assert (await failed_login(client)).status_code == 429


async def test_limits_are_off_when_configured_off(settings, clock, engine):
    app = create_app(limited(settings), clock=clock, engine=engine)
    async with http_client(app) as client:
        for _ in range(15):
            assert (await failed_login(client)).status_code == 400


async def test_attempts_without_a_csrf_token_count_too(settings, clock, engine):
    """The limit sits in front of everything, so it cannot be side-stepped by failing another check first."""
    app = create_app(limited(settings, login=(2, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        for _ in range(2):
            assert (await client.post("/login", data={"email": "a@b.nl", "password": "x"})).status_code == 403
        assert (await client.post("/login", data={"email": "a@b.nl", "password": "x"})).status_code == 429


# Unguarded POST routes that are public doors, and the bucket that must count them.
DOORS = (
    ("registration", re.compile(r"^/api/events/\{slug:str\}/registrations$|^/events/\{slug:str\}/register$")),
    ("quiz_join", re.compile(r"^/quiz$|^/api/quiz/join$|quiz.*/join$")),
    ("login", re.compile(r"^/login$")),
)


def test_routes_of_the_public_doors_are_limited(app):
    """Every registration, quiz-join and sign-in POST route of the app falls in its bucket."""
    seen = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "POST" not in (handler.http_methods or ()) or handler.resolve_guards():
                continue
            for bucket, pattern in DOORS:
                if pattern.search(route.path):
                    concrete = re.sub(r"\{[^}]+\}", "x", route.path)
                    scope = {"method": "POST", "path": concrete, "route_handler": handler}
                    assert bucket_of(scope) == bucket, f"POST {route.path} is a public door without the {bucket} limit"
                    seen.add(bucket)
    assert seen == {"registration", "quiz_join", "login"}


async def _published_webinar(client: httpx.AsyncClient, token: str) -> dict:
    start = NOW + timedelta(days=30)
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post("/api/events", headers=headers, json={
        "title": "Webinar integrale veiligheid", "kind": "webinar", "format": "online",
        "join_url": "https://meet.example.org/x", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
    })
    assert response.status_code == 201, response.text
    slug = response.json()["slug"]
    assert (await client.post(f"/api/events/{slug}/publish", headers=headers)).status_code == 200
    return (await client.get(f"/api/organiser/events/{slug}", headers=headers)).json()


async def test_registration_api_and_form_are_limited(settings, clock, engine, organiser_token):
    app = create_app(limited(settings, registration=(2, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        event = await _published_webinar(client, organiser_token)
        path = f"/api/events/{event['slug']}/registrations"
        csrf = {"x-csrftoken": await get_csrf(client)}
        for n in range(2):
            response = await client.post(path, json={"name": f"Deelnemer {n}", "email": f"d{n}@gemeente.nl"}, headers=csrf)
            assert response.status_code == 201, response.text
        response = await client.post(path, json={"name": "Deelnemer 3", "email": "d3@gemeente.nl"}, headers=csrf)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "60"
        body = response.json()
        assert body["detail"] == "Too many attempts in a short time. Wait 60 seconds and try again."
        assert {"key": "retry_after", "message": "60"} in body["extra"]
        # The HTML form shares the bucket: the same visitor is refused there too, with a Dutch page.
        token = await get_csrf(client, f"/events/{event['slug']}/register")
        response = await client.post(
            f"/events/{event['slug']}/register",
            data={"name": "Deelnemer 4", "email": "d4@gemeente.nl", "_csrf_token": token},
        )
        assert response.status_code == 429
        assert "Te veel pogingen" in response.text
        # Nothing was written for the refused attempts.
        clock.advance(seconds=60)
        listing = await client.get(path, headers={"Authorization": f"Bearer {organiser_token}"})
        assert sorted(row["email"] for row in listing.json()) == ["d0@gemeente.nl", "d1@gemeente.nl"]


async def test_registration_form_is_limited(settings, clock, engine, organiser_token):
    app = create_app(limited(settings, registration=(1, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        event = await _published_webinar(client, organiser_token)
        token = await get_csrf(client, f"/events/{event['slug']}/register")
        form = {"name": "Deelnemer", "email": "d@gemeente.nl", "organisation": "Gemeente", "_csrf_token": token}
        first = await client.post(f"/events/{event['slug']}/register", data=form)
        assert first.status_code < 400, first.text
        second = await client.post(f"/events/{event['slug']}/register", data={**form, "email": "e@gemeente.nl"})
        assert second.status_code == 429 and second.headers["retry-after"] == "60"


async def test_quiz_join_api_and_form_are_limited(settings, clock, engine, organiser, organiser_token):
    from events.quiz import service as quiz
    from events.quiz.service import QuestionInput

    app = create_app(limited(settings, quiz_join=(2, 60)), clock=clock, engine=engine)
    async with http_client(app) as client:
        event = await _published_webinar(client, organiser_token)
        quiz_id = await quiz.create_quiz(event["id"], "Kennisquiz")
        quiz_row, _ = await quiz.quiz_for_organiser(quiz_id, organiser)
        await quiz.save_question(engine, quiz_row, QuestionInput(text="Wat telt?", options=[("Alles", True), ("Niets", False)]))
        run = await quiz.open_run(quiz_id, organiser.id, NOW)
        csrf = {"x-csrftoken": await get_csrf(client)}
        for name in ("Ada", "Bas"):
            response = await client.post("/api/quiz/join", json={"code": run.join_code, "nickname": name}, headers=csrf)
            assert response.status_code == 201, response.text
        response = await client.post("/api/quiz/join", json={"code": run.join_code, "nickname": "Cor"}, headers=csrf)
        assert response.status_code == 429 and response.headers["retry-after"] == "60"
        token = await get_csrf(client, "/quiz")
        response = await client.post("/quiz", data={"code": run.join_code, "nickname": "Dirk", "_csrf_token": token})
        assert response.status_code == 429
        assert "Te veel pogingen" in response.text
        assert [p.nickname for p in await quiz.players_of(run.id)] == ["Ada", "Bas"]


async def test_sqlite_counters_are_shared_between_processes(tmp_path):
    """Two counters on one file stand for two worker processes: they see each other's hits."""
    path = tmp_path / "ratelimit.sqlite3"
    first, second = SQLiteCounter(path), SQLiteCounter(path)
    try:
        counts = await asyncio.gather(*(counter.hit("login:60:1:1.2.3.4", 60) for counter in [first, second] * 10))
        assert sorted(counts) == list(range(1, 21))
        assert await first.hit("login:60:1:5.6.7.8", 60) == 1
    finally:
        await first.close()
        await second.close()


@needs_redis
async def test_redis_counts_when_configured(settings, clock, engine):
    app = create_app(replace(limited(settings, login=(2, 60)), redis_url=TEST_REDIS_URL), clock=clock, engine=engine)
    # A window of its own so earlier runs against the same Redis do not count.
    clock.advance(days=(hash(str(settings.data_dir)) % 10_000))
    async with http_client(app) as client:
        assert type(app.state.rate_limit_counter).__name__ == "RedisCounter"
        assert (await failed_login(client)).status_code == 400
        assert (await failed_login(client)).status_code == 400
        assert (await failed_login(client)).status_code == 429


def test_limit_holds_across_two_worker_processes(settings, engine):
    server = LiveServer(limited(settings, login=(5, 3600)), workers=2)
    try:
        statuses = []
        for _ in range(8):
            # A new connection each time, so both workers get requests.
            with httpx.Client(base_url=server.url) as client:
                token = client.get("/login").cookies["events_csrf"]
                response = client.post("/login", data={"email": "x@y.nl", "password": "no", "_csrf_token": token})
                statuses.append(response.status_code)
                if response.status_code == 429:
                    assert int(response.headers["retry-after"]) >= 1
        assert statuses == [400] * 5 + [429] * 3
    finally:
        server.stop()
