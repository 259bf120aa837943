"""Load benchmark of a registration rush: the real server (`events serve`), 64 concurrent clients registering for
one event with limited capacity.

    .venv/bin/python bench/registration_rush.py
    .venv/bin/python bench/registration_rush.py --database postgres://postgres@127.0.0.1:5432/rushbench

It prepares a fresh database (a temporary SQLite file unless --database is given; a PostgreSQL database named in
the URL is dropped and created), creates an organiser and a published event with --capacity places, starts the
server on 127.0.0.1 (rate limits off: every client comes from 127.0.0.1), measures the hello route (`GET /livez`, no database)
with the same number of clients, then fires --count registrations with distinct e-mail addresses from --clients
concurrent cookieless clients. It prints registrations/s, p50/p99 latency, confirmed vs capacity (read back from
the database, and from the answers), and ends with one line:
`rate= p50_ms= p99_ms= confirmed= capacity= hello_rate= ratio=` (ratio = rate / hello_rate).
Everything is bounded by --timeout seconds; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _load import LoadResult, get_request, percentile, post_json_request, run_load  # noqa: E402
from _server import start_server, stop_server  # noqa: E402

SERVER_LOG = Path(tempfile.gettempdir()) / "registration-bench-server.log"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def prepare_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in the URL (SQLite: a fresh temp file needs nothing)."""
    from events.kernel.settings import parse_database_url

    parsed = parse_database_url(url)
    if parsed.is_sqlite:
        return
    import asyncpg

    admin = await asyncpg.connect(**parsed.with_database("postgres").postgres_config())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


async def create_event(url: str, capacity: int) -> str:
    from events.accounts import service as accounts
    from events.kernel import database
    from events.kernel.settings import parse_database_url
    from events.programme.tables import Event

    engine = database.make_engine(parse_database_url(url))
    await database.migrate(engine)
    database.bind_engine(engine)
    await database.start(engine)
    try:
        user = await accounts.create_user("bench@events.local", "organiser", password="bench-password-123", name="Bench")
        now = datetime.now(UTC)
        event = Event(
            slug="rush", title="Registration rush", status="published", format="online",
            starts_at=now + timedelta(days=7), ends_at=now + timedelta(days=7, hours=2),
            join_url="https://meet.example.nl/rush", capacity=capacity, organiser=user.id,
            contact_email="bench@events.local",
        )
        await event.save()
        return "rush"
    finally:
        await database.stop(engine)


async def count_statuses(url: str) -> dict[str, int]:
    from events.kernel import database
    from events.kernel.settings import parse_database_url
    from events.registration.tables import Registration

    engine = database.make_engine(parse_database_url(url))
    database.bind_engine(engine)
    await database.start(engine)
    try:
        rows = await Registration.select(Registration.status)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts
    finally:
        await database.stop(engine)


async def hello_rate(port: int, clients: int, seconds: float) -> float:
    request = get_request("/livez", f"127.0.0.1:{port}")
    result = await run_load("127.0.0.1", port, clients, lambda _i: request, seconds=seconds)
    if result.errors:
        raise RuntimeError(f"hello route failed: {result.errors[:3]}")
    return result.rate


async def rush(port: int, slug: str, count: int, clients: int) -> LoadResult:
    host = f"127.0.0.1:{port}"
    path = f"/api/events/{slug}/registrations"

    def request(i: int) -> bytes:  # a script carries no cookies (with one, /api POSTs would be CSRF-checked)
        body = {"name": f"Deelnemer {i}", "email": f"deelnemer{i}@gemeente.example", "organisation": "Gemeente"}
        return post_json_request(path, host, body)

    return await run_load("127.0.0.1", port, clients, request, count=count, keep_replies=True)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help="postgres://… (dropped and created); default a temp SQLite file")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--hello-seconds", type=float, default=3.0)
    parser.add_argument("--no-delivery", action="store_true", help="EVENTS_DELIVER_IN_PROCESS=false (mail stays queued)")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="registration-rush-"))
    database_url = args.database or f"sqlite:///{workdir / 'events.db'}"
    server = None
    try:
        async with asyncio.timeout(args.timeout):
            await prepare_database(database_url)
            slug = await create_event(database_url, args.capacity)
            port = free_port()
            # The session FileStore needs its folder (the app does not create it; every request fails without).
            (workdir / "data" / "sessions").mkdir(parents=True, exist_ok=True)
            env = {
                **os.environ,
                "EVENTS_DATABASE_URL": database_url,
                "EVENTS_DATA_DIR": str(workdir / "data"),
                "EVENTS_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                "EVENTS_BASE_URL": f"http://127.0.0.1:{port}",
                "EVENTS_RATE_LIMITS": "off",
                "EVENTS_DELIVER_IN_PROCESS": "false" if args.no_delivery else "true",
            }
            env.pop("EVENTS_SMTP_URL", None)  # mail goes to .eml files under the temp data dir
            server = await asyncio.to_thread(start_server, env, port, args.workers, SERVER_LOG)
            hello = await hello_rate(port, args.clients, args.hello_seconds)
            result = await rush(port, slug, args.count, args.clients)
            stored = await count_statuses(database_url)
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)

    latencies, elapsed, errors = result.latencies, result.elapsed, len(result.errors)
    statuses: dict[str, int] = {}
    for reply in result.replies:
        if reply.status in (200, 201):
            status = reply.json()["status"]
            statuses[status] = statuses.get(status, 0) + 1
    rate = result.rate
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    confirmed = stored.get("confirmed", 0)
    kind = "postgres" if database_url.startswith("postgres") else "sqlite"
    print(f"database: {kind}, server workers: {args.workers}, clients: {args.clients}, in-process mail delivery: {not args.no_delivery}")
    print(f"hello route (GET /livez): {hello:,.0f} responses/s")
    print(f"registrations: {len(latencies)} in {elapsed:.2f} s = {rate:,.0f}/s; p50 {p50:.1f} ms, p99 {p99:.1f} ms; errors {errors}")
    print(f"answers: {statuses}; stored: {stored}")
    print(f"confirmed {confirmed} of capacity {args.capacity}: {'OK' if confirmed <= args.capacity else 'OVERBOOKED'}")
    print(
        f"rate={rate:.0f} p50_ms={p50:.1f} p99_ms={p99:.1f} confirmed={confirmed} capacity={args.capacity} "
        f"hello_rate={hello:.0f} ratio={rate / hello if hello else 0:.2f}"
    )
    for error in result.errors[:5]:
        print(f"error: {error}")
    return 0 if confirmed <= args.capacity and errors == 0 else 1


if __name__ == "__main__":
    import uvloop

    sys.exit(uvloop.run(main()))
