"""Load benchmark of a live space: the real server (`events serve`), N participants over real WebSockets.

    .venv/bin/python bench/live_load.py --participants 1000 --seconds 10 --rate 500
    .venv/bin/python bench/live_load.py --participants 5000 --workers 2 --redis redis://127.0.0.1:6379/0 \
        --database postgres://postgres@127.0.0.1:5432/livebench

It prepares a fresh database (a temporary SQLite file unless --database is given; a PostgreSQL database named in the
URL is dropped and created) with an open space and --questions questions, starts the server, lets N participants
join over HTTP and connect their sockets (all of them listen, as phones do), plus one wall socket. Then it sends
--rate distinct votes per second over HTTP for --seconds (each participant votes once per question; a share of the
votes is sent twice on top, as a double click, to prove the second is refused), and then one poll response per
participant.
It prints: votes sent/accepted/refused, votes per second sustained, votes stored (lost = accepted but not stored,
doubled = more than one row per participant and question), vote → wall latency p50/p99 (from sending the vote to
the wall receiving the count that vote produced), response → wall latency p99, and the server's RSS growth per
connected participant. It ends with one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _load import percentile, post_json_request, run_load  # noqa: E402
from _server import start_server, stop_server  # noqa: E402
from _setup import organiser_of_organisation  # noqa: E402
from _ws import connect  # noqa: E402
from quiz_load import free_port, process_tree_rss_kb, raise_open_file_limit  # noqa: E402

SERVER_LOG = Path(tempfile.gettempdir()) / "live-bench-server.log"


def with_header(raw: bytes, name: str, value: str) -> bytes:
    head, _, body = raw.partition(b"\r\n")
    return head + f"\r\n{name}: {value}".encode() + b"\r\n" + body


async def prepare_database(database_url: str, questions: int) -> dict:
    from events.accounts import service as accounts
    from events.kernel import database
    from events.kernel.settings import parse_database_url
    from events.live import service
    from events.live.tables import Participant, Question
    from events.programme.tables import Event

    url = parse_database_url(database_url)
    if not url.is_sqlite:
        import asyncpg

        admin = await asyncpg.connect(**url.with_database("postgres").postgres_config())
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{url.database}"')
        await admin.close()
    engine = database.make_engine(url)
    await database.migrate(engine)
    await database.start(engine)
    try:
        organiser, organisation_id = await organiser_of_organisation("live@bench.local")
        token = await accounts.create_api_token(organiser.id, label="bench")
        now = datetime.now(UTC)
        await Event.insert(Event(slug="bench", title="Bench", status="published", starts_at=now,
                                 ends_at=now + timedelta(hours=2), organiser=organiser.id,
                                 organisation=organisation_id))
        event = await Event.select().where(Event.slug == "bench").first()
        space = await service.set_open((await service.create_space(event, None))["id"], True)
        _token, asker = await service.join(space, "Bench")
        ids = [(await service.ask(space, asker, f"Vraag {n}", None))["id"] for n in range(questions)]
        poll = await service.create_poll(space, "scale", "Cijfer?", [10])
        await service.move(space, poll["id"], "open")
        assert await Participant.count() == 1 and await Question.count() == questions
        return {"token": token, "code": space["code"], "space_id": space["id"], "questions": ids, "poll_id": poll["id"]}
    finally:
        await database.stop(engine)


async def count_rows(database_url: str, poll_id: int) -> dict:
    from events.kernel import database
    from events.kernel.settings import parse_database_url
    from events.live.tables import Response, Vote

    engine = database.make_engine(parse_database_url(database_url))
    database.bind_engine(engine)
    await database.start(engine)
    try:
        votes = await Vote.select(Vote.question, Vote.participant)
        responses = await Response.select(Response.participant).where(Response.poll == poll_id)
        return {"votes": len(votes), "distinct_votes": len({(v["question"], v["participant"]) for v in votes}),
                "responses": len(responses), "distinct_responses": len({r["participant"] for r in responses})}
    finally:
        await database.stop(engine)


class Wall:
    """The wall's socket: when each question's count arrived (the server coalesces votes into `question_votes`
    frames, so a count may cover several votes) and when each poll response count arrived."""

    def __init__(self) -> None:
        self.counts: dict[int, list[tuple[float, int]]] = {}  # question → (arrival, count) in arrival order
        self.responses: dict[int, float] = {}
        self.frames = 0
        self.welcome = asyncio.Event()

    def on_message(self, data: bytes, at: float) -> None:
        message = json.loads(data)
        self.frames += 1
        if message["type"] == "welcome":
            self.welcome.set()
        elif message["type"] == "question_votes":
            for entry in message["counts"]:
                self.counts.setdefault(entry["id"], []).append((at, entry["votes"]))
        elif message["type"] == "votes":  # older servers: one frame per vote
            self.counts.setdefault(message["question_id"], []).append((at, message["votes"]))
        elif message["type"] == "results":
            self.responses.setdefault(message["results"]["responses"], at)

    def reached(self, question: int, votes: int) -> float | None:
        """When the wall first showed at least `votes` for the question (the count that vote produced, or later)."""
        for at, count in self.counts.get(question, []):
            if count >= votes:
                return at
        return None

    def final(self, question: int) -> int:
        return self.counts[question][-1][1] if self.counts.get(question) else 0


async def open_sockets(port: int, code: str, tokens: list[str], wall: Wall) -> list:
    received, all_in = [0], asyncio.Event()

    def count(_data: bytes, _at: float) -> None:
        received[0] += 1
        if received[0] >= len(tokens):
            all_in.set()

    sockets = []
    for start in range(0, len(tokens), 200):
        batch = await asyncio.gather(*(connect("127.0.0.1", port, f"/ws/live/{code}", count) for _ in tokens[start:start + 200]))
        for socket, token in zip(batch, tokens[start:start + 200], strict=True):
            socket.send_text(json.dumps({"type": "hello", "token": token}))
        sockets.extend(batch)
    wall_socket = await connect("127.0.0.1", port, f"/ws/live/{code}", wall.on_message)
    wall_socket.send_text(json.dumps({"type": "hello", "token": None}))
    await asyncio.wait_for(wall.welcome.wait(), 30)
    await asyncio.wait_for(all_in.wait(), 120)  # every phone has its welcome
    sockets.append(wall_socket)
    return sockets


async def send_votes(port: int, setup: dict, tokens: list[str], args) -> tuple[list, list[float], dict]:
    """Votes at a steady rate: (vote, send time) pairs, and the HTTP replies' statuses."""
    host = f"127.0.0.1:{port}"
    plan = [(token, q) for q in setup["questions"] for token in tokens]
    random.shuffle(plan)
    plan = plan[: int(args.rate * args.seconds)]
    doubles = set(random.sample(range(len(plan)), len(plan) // 10))
    jobs = [(t, q) for i, (t, q) in enumerate(plan) for _ in range(2 if i in doubles else 1)]
    sent_at: list[float] = [0.0] * len(jobs)
    replies, started = [], time.perf_counter()
    # --rate distinct votes a second; the double clicks come on top of them (a tenth more requests)
    send_rate = args.rate * len(jobs) / max(1, len(plan))
    step = max(1, round(send_rate / 10))  # a tenth of a second's requests at a time, then wait for the next tenth

    def request(i: int) -> bytes:
        sent_at[i] = time.perf_counter()
        token, question = jobs[i]
        return with_header(post_json_request(f"/api/live/{setup['code']}/questions/{question}/vote", host, {}),
                           "X-Live-Token", token)

    for first in range(0, len(jobs), step):
        batch = await run_load("127.0.0.1", port, min(64, step), lambda i, first=first: request(first + i),
                               count=min(step, len(jobs) - first), keep_replies=True)
        for reply in batch.replies:
            reply.index += first
        replies.extend(batch.replies)
        await asyncio.sleep(max(0.0, started + (first + step) / send_rate - time.perf_counter()))
    elapsed = time.perf_counter() - started

    class Result:  # the shape the lines below read
        pass

    result = Result()
    result.replies, result.elapsed = replies, elapsed
    statuses: dict[int, int] = {}
    for reply in result.replies:
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
    accepted = [(jobs[r.index][1], r.json()["votes"], sent_at[r.index]) for r in result.replies if r.status == 200]
    return accepted, [result.elapsed], {"statuses": statuses, "votes_planned": len(plan), "sent": len(jobs)}


async def run_bench(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="live-bench-"))
    (workdir / "data").mkdir()
    database_url = args.database or f"sqlite:///{workdir / 'events.db'}"
    setup = await prepare_database(database_url, args.questions)
    port = free_port()
    env = {**os.environ, "EVENTS_DATABASE_URL": database_url, "EVENTS_DATA_DIR": str(workdir / "data"),
           "EVENTS_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
           "EVENTS_BASE_URL": f"http://127.0.0.1:{port}", "EVENTS_RATE_LIMITS": "off"}
    if args.redis:
        env["EVENTS_REDIS_URL"] = args.redis
    else:
        env.pop("EVENTS_REDIS_URL", None)
    server = start_server(env, port, args.workers, SERVER_LOG, timeout=180)  # start-up is slow on a busy machine
    figures: dict = {"participants": args.participants, "workers": args.workers, "redis": bool(args.redis)}
    try:
        host = f"127.0.0.1:{port}"
        joined = await run_load("127.0.0.1", port, 64, lambda i: post_json_request(
            f"/api/live/{setup['code']}/participants", host, {}), count=args.participants, keep_replies=True)
        if joined.errors:
            raise RuntimeError(f"joining failed: {joined.errors[:3]}")
        tokens = [r.json()["token"] for r in sorted(joined.replies, key=lambda r: r.index)]
        figures["join_p95_ms"] = round(percentile(joined.latencies, 95) * 1000, 1)
        rss_before = process_tree_rss_kb(server.pid)
        wall = Wall()
        sockets = await open_sockets(port, setup["code"], tokens, wall)
        await asyncio.sleep(1)
        figures["rss_per_participant_kb"] = round((process_tree_rss_kb(server.pid) - rss_before) / len(tokens), 1)
        print(f"[bench] {len(tokens)} participants connected", file=sys.stderr, flush=True)

        accepted, (elapsed,), counts = await send_votes(port, setup, tokens, args)
        await asyncio.sleep(2)  # the last broadcasts arrive
        frames_before = wall.frames
        reached = [(wall.reached(q, n), sent) for q, n, sent in accepted]
        latencies = [at - sent for at, sent in reached if at is not None]
        figures.update(counts)
        figures["votes_accepted"] = len(accepted)
        figures["votes_per_s"] = round(len(accepted) / elapsed, 1)
        figures["vote_to_wall_p50_ms"] = round(percentile(latencies, 50) * 1000, 1) if latencies else None
        figures["vote_to_wall_p99_ms"] = round(percentile(latencies, 99) * 1000, 1) if latencies else None
        figures["vote_counts_missing_on_wall"] = sum(1 for at, _sent in reached if at is None)
        figures["wall_frames_during_votes"] = frames_before
        last_counts = {q: max(n for q2, n, _ in accepted if q2 == q) for q in {q for q, _n, _ in accepted}}
        figures["wall_final_count_wrong"] = sum(1 for q, n in last_counts.items() if wall.final(q) != n)

        host_started = time.perf_counter()
        responded = await run_load("127.0.0.1", port, 64, lambda i: with_header(post_json_request(
            f"/api/live/{setup['code']}/polls/{setup['poll_id']}/responses", host, {"answer": 1 + i % 10}),
            "X-Live-Token", tokens[i]), count=len(tokens), keep_replies=True)
        await asyncio.sleep(2)
        figures["responses_accepted"] = sum(1 for r in responded.replies if r.status == 201)
        figures["responses_per_s"] = round(figures["responses_accepted"] / responded.elapsed, 1)
        last = max(wall.responses.values()) if wall.responses else host_started
        figures["responses_all_on_wall_s"] = round(last - host_started - responded.elapsed, 3)
        stored = await count_rows(database_url, setup["poll_id"])
        figures["votes_stored"] = stored["votes"]
        figures["votes_lost"] = len(accepted) - stored["distinct_votes"]
        figures["votes_doubled"] = stored["votes"] - stored["distinct_votes"]
        figures["responses_lost"] = figures["responses_accepted"] - stored["distinct_responses"]
        figures["responses_doubled"] = stored["responses"] - stored["distinct_responses"]
        for socket in sockets:
            await socket.close()
    finally:
        stop_server(server)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--rate", type=float, default=500, help="votes per second to send")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", default="")
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    raise_open_file_limit()
    figures = asyncio.run(run_bench(args))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
