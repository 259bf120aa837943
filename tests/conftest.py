"""Shared fixtures: an isolated, migrated database per test (SQLite file or PostgreSQL database), settings in a
temporary data dir, a frozen clock, the app, an async HTTP client, signed-in users and a live server.

Set EVENTS_TEST_DATABASE_URL=postgres://… to run the whole suite on PostgreSQL (each test gets its own database,
cloned from a migrated template) and EVENTS_TEST_REDIS_URL=redis://… for the tests that need Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager

from events.accounts import service as accounts
from events.app import create_app
from events.kernel import database
from events.kernel.clock import FrozenClock
from events.kernel.settings import DEFAULT_RATE_LIMITS, Settings, parse_database_url
from events.organisations import service as organisations

TEST_DATABASE_URL = os.environ.get("EVENTS_TEST_DATABASE_URL") or ""
TEST_REDIS_URL = os.environ.get("EVENTS_TEST_REDIS_URL") or ""
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
PASSWORD = "correct horse battery"
# A fixed "now" for every test: Sunday 1 November 2026, 09:00 UTC.
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


async def home_organisation(user_id: int) -> int:
    """The id of the organisation a test event of this organiser belongs to: their only one, or a new one of their
    own (as `events user create` gives a new organiser), so test rows made without the service are owned too."""
    user = await accounts.get_user(user_id)
    assert user is not None, user_id
    return (await organisations.organisation_for_new_event(user, None, NOW)).id
SECRET = "test-secret-key-that-is-long-enough-0123456789"

needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="EVENTS_TEST_DATABASE_URL is not a PostgreSQL URL")
needs_redis = pytest.mark.skipif(not TEST_REDIS_URL, reason="EVENTS_TEST_REDIS_URL is not set")

_counter = itertools.count()


async def _admin_execute(url, sql: str) -> None:
    connection = await asyncpg.connect(**url.with_database("postgres").postgres_config())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Iterator[object]:
    """A database migrated once per run; each test gets a copy of it."""
    if ON_POSTGRES:
        url = parse_database_url(TEST_DATABASE_URL)
        name = f"events_tmpl_{os.getpid()}"
        template = url.with_database(name)
        asyncio.run(_admin_execute(url, f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_admin_execute(url, f'CREATE DATABASE "{name}"'))
        asyncio.run(database.migrate(database.make_engine(template)))
        yield template
        asyncio.run(_admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "events.db"
        url = parse_database_url(f"sqlite:///{path}")
        asyncio.run(database.migrate(database.make_engine(url)))
        import sqlite3

        with sqlite3.connect(path) as connection:  # fold the WAL into the file so one copy holds everything
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield url


@pytest.fixture
def database_url(template_database, tmp_path) -> Iterator[object]:
    if ON_POSTGRES:
        name = f"events_t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
        asyncio.run(_admin_execute(template_database, f'CREATE DATABASE "{name}" TEMPLATE "{template_database.database}"'))
        yield template_database.with_database(name)
        asyncio.run(_admin_execute(template_database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path / "events.db"
        shutil.copyfile(template_database.path, path)
        yield parse_database_url(f"sqlite:///{path}")


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return Settings(
        database=database_url,
        data_dir=data_dir,
        secret_key=SECRET,
        base_url="http://testserver.local",
        default_language="nl",
        # Off, so tests that fire many registrations are not throttled; tests/security/test_rate_limits.py turns them on.
        rate_limits={},
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def engine(settings) -> AsyncIterator[object]:
    engine = database.make_engine(settings.database)
    database.bind_engine(engine)
    await database.start(engine)
    yield engine
    await database.stop(engine)


@pytest.fixture
def app(settings, clock, engine):
    return create_app(settings, clock=clock, engine=engine)


@contextlib.asynccontextmanager
async def http_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client that calls the app in the test's own event loop (Litestar's httpx.AsyncClient runs the app
    in a portal thread, where a PostgreSQL pool opened by the test cannot be used); redirects are not followed."""
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver.local", follow_redirects=False
    ) as test_client:
        yield test_client


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as test_client:
        yield test_client



class NoCookies(httpx.Cookies):
    """A jar that keeps nothing: a script calling the API carries no ambient credentials (a cookie would make its
    POSTs CSRF-checked)."""

    def extract_cookies(self, response) -> None:
        return None


@pytest.fixture
async def api(app, client) -> AsyncIterator[httpx.AsyncClient]:
    """A cookieless client of the running app (the `client` fixture runs its lifespan)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as test_client:
        test_client._cookies = NoCookies()
        yield test_client


def csrf_token(client: httpx.AsyncClient) -> str:
    return client.cookies.get("events_csrf") or ""


async def get_csrf(client: httpx.AsyncClient, path: str = "/login") -> str:
    """Visit a page with a form so the CSRF cookie is set; returns the token to send back."""
    if not csrf_token(client):
        response = await client.get(path)
        assert response.status_code < 500
    return csrf_token(client)


async def post_form(client: httpx.AsyncClient, path: str, data: dict, **kwargs) -> httpx.Response:
    token = await get_csrf(client)
    return await client.post(path, data={**data, "_csrf_token": token}, **kwargs)


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code in (302, 303), response.text
    return response


@pytest.fixture
async def organiser(engine):
    return await accounts.create_user("organiser@gemeente.nl", "organiser", password=PASSWORD, name="Olga Organisator")


@pytest.fixture
async def other_organiser(engine):
    return await accounts.create_user("ander@ministerie.nl", "organiser", password=PASSWORD, name="Anders")


@pytest.fixture
async def admin(engine):
    return await accounts.create_user("admin@events.local", "admin", password=PASSWORD, name="Admin")


@pytest.fixture
async def speaker(engine):
    return await accounts.create_user("spreker@universiteit.nl", "speaker", name="Sanne Spreker")


@pytest.fixture
async def organiser_client(app, organiser) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as test_client:
        await login(test_client, organiser.email)
        yield test_client


@pytest.fixture
async def organiser_token(organiser) -> str:
    return await accounts.create_api_token(organiser.id, label="tests")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that make a child process use these settings."""
    url = settings.database
    if url.is_sqlite:
        database_url = f"sqlite:///{url.path}"
    else:
        auth = url.user + (f":{url.password}" if url.password else "")
        database_url = f"postgres://{auth}@{url.host}:{url.port}/{url.database}"
    env = {
        **os.environ,
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_DATA_DIR": str(settings.data_dir),
        "EVENTS_SECRET_KEY": settings.secret_key,
        "EVENTS_DEFAULT_LANGUAGE": settings.default_language,
        "EVENTS_RATE_LIMITS": ",".join(
            f"{name}={'/'.join(map(str, settings.rate_limits[name])) if name in settings.rate_limits else 'off'}"
            for name in DEFAULT_RATE_LIMITS
        ),
    }
    if settings.redis_url:
        env["EVENTS_REDIS_URL"] = settings.redis_url
    if settings.smtp_url:
        env["EVENTS_SMTP_URL"] = settings.smtp_url
    return env


class LiveServer:
    def __init__(self, settings: Settings, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = replace(settings, base_url=self.url)
        env = settings_env(self.settings)
        env["EVENTS_BASE_URL"] = self.url
        self.process = subprocess.Popen(
            [sys.executable, "-m", "events.cli", "serve", "--no-migrate", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def live_server(settings, engine) -> Iterator[LiveServer]:
    """The real server (uvicorn, own process) on this test's database, for real-concurrency and browser tests."""
    server = LiveServer(settings)
    yield server
    server.stop()


ROOT = Path(__file__).resolve().parents[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free port that keeps every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []  # email.message.EmailMessage, parsed with the default policy
        self.envelopes: list = []
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        import email.policy

        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A running aiosmtpd server collecting messages: `smtp_server.url` for EVENTS_SMTP_URL, `.messages`."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()
