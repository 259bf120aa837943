"""Load benchmark of a live quiz round: the real server (`events serve`), N players over real WebSockets.

    .venv/bin/python bench/quiz_load.py --players 2000
    .venv/bin/python bench/quiz_load.py --players 5000 --workers 2 --redis redis://127.0.0.1:6379/0 \
        --database postgres://postgres@127.0.0.1:5432/quizbench

It prepares a fresh database (a temporary SQLite file unless --database is given; a PostgreSQL database named in
the URL is dropped and created), starts the server on 127.0.0.1, measures the hello route (`GET /livez`, no database), lets
N players join over HTTP and connect their sockets, then runs three questions in which every player answers at a
random moment within --answer-window seconds (people do not all tap in the same millisecond); after each question
the host reveals, shows the leaderboard and moves on --pause seconds after every phone has it. It prints:
join p95, host action → each phone p99 for the question, the reveal and the leaderboard (from the moment the
host's POST leaves to each phone receiving the frame; pooled over the three questions), question-broadcast spread (time from the first to each player receiving the question; p50/p99 pooled
over the three questions), answer-acknowledgement p99 (send → ack on that socket), answers sent vs stored in the
database, lost (acknowledged but not stored, or sent and neither acknowledged nor refused) and duplicates (stored
rows beyond one per player and question), and the server's RSS growth per connected player.
It ends with one line of key=value pairs. Everything is bounded by --timeout seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import json
import os
import random
import resource
import shutil
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _load import get_request, percentile, post_json_request, run_load  # noqa: E402
from _server import start_server, stop_server  # noqa: E402
from _setup import organiser_of_organisation  # noqa: E402
from _ws import connect  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_open_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


def process_tree_rss_kb(pid: int) -> int:
    """RSS of the server and its worker processes (uvicorn forks workers when --workers > 1)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


async def prepare_database(database_url: str) -> dict:
    """A migrated database with an organiser, an API token, an event and a quiz of three questions, and an open run."""
    from events.accounts import service as accounts
    from events.kernel import database
    from events.kernel.settings import parse_database_url
    from events.programme.tables import Event
    from events.quiz import service

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
        organiser, organisation_id = await organiser_of_organisation("quizmaster@bench.local")
        token = await accounts.create_api_token(organiser.id, label="bench")
        now = datetime.now(UTC)
        await Event.insert(
            Event(slug="bench", title="Bench", status="published", starts_at=now, ends_at=now + timedelta(hours=2),
                  organiser=organiser.id, organisation=organisation_id)
        )
        event = await Event.select().where(Event.slug == "bench").first()
        quiz_id = await service.create_quiz(event["id"], "Bench quiz")
        quiz = await service.quiz_by_id(quiz_id)
        kinds = [("single", [("A", False), ("B", True), ("C", False), ("D", False)]),
                 ("multiple", [("A", True), ("B", True), ("C", False)]),
                 ("single", [("Waar", True), ("Niet waar", False)])]
        for number, (kind, options) in enumerate(kinds, start=1):
            await service.save_question(
                engine, quiz, service.QuestionInput(kind=kind, text=f"Question {number}", time_limit_s=60, points=1000, options=options)
            )
        run = await service.open_run(quiz_id, organiser.id, now)
        return {"token": token, "run_id": run.id, "code": run.join_code}
    finally:
        await database.stop(engine)


async def count_answers(database_url: str, run_id: int) -> tuple[int, int]:
    from events.kernel import database
    from events.kernel.settings import parse_database_url
    from events.quiz.tables import Answer

    engine = database.make_engine(parse_database_url(database_url))
    database.bind_engine(engine)
    await database.start(engine)
    try:
        rows = await Answer.select(Answer.player, Answer.question).where(Answer.run == run_id)
        return len(rows), len({(r["player"], r["question"]) for r in rows})
    finally:
        await database.stop(engine)


SERVER_LOG = Path(tempfile.gettempdir()) / "quiz-bench-server.log"


async def hello_rate(port: int, seconds: float = 3.0, concurrency: int = 32) -> float:
    request = get_request("/livez", f"127.0.0.1:{port}")
    result = await run_load("127.0.0.1", port, concurrency, lambda _i: request, seconds=seconds)
    if result.errors:
        raise RuntimeError(f"hello route failed: {result.errors[:3]}")
    return result.rate


class Player:
    def __init__(self, index: int):
        self.index = index
        self.token = ""
        self.player_id = 0
        self.question_arrivals: dict[int, float] = {}
        self.ack_ms: list[float] = []
        self.sent = 0
        self.acked = 0
        self.refused = 0
        self.answer_started = 0.0
        self.socket = None
        self.welcome: asyncio.Future | None = None


async def run_bench(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    (workdir / "data").mkdir()
    database_url = args.database or f"sqlite:///{workdir / 'events.db'}"
    setup = await prepare_database(database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_DATA_DIR": str(workdir / "data"),
        "EVENTS_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "EVENTS_BASE_URL": base,
        # Every simulated phone comes from 127.0.0.1: per-address join limits would stop the room at the door.
        "EVENTS_RATE_LIMITS": "off",
    }
    if args.redis:
        env["EVENTS_REDIS_URL"] = args.redis
    else:
        env.pop("EVENTS_REDIS_URL", None)
    server = start_server(env, port, args.workers, SERVER_LOG, timeout=180)  # start-up is slow on a busy machine
    figures: dict = {}
    try:
        figures["hello_rps"] = await hello_rate(port)
        bearer = {"Authorization": f"Bearer {setup['token']}"}
        players = [Player(i) for i in range(args.players)]

        # --- join over HTTP (as the player page's API does), 64 at a time, cookieless like a script
        def join_request(i: int) -> bytes:
            return post_json_request("/api/quiz/join", f"127.0.0.1:{port}", {"code": setup["code"], "nickname": f"speler-{i}"})

        joined = await run_load("127.0.0.1", port, 64, join_request, count=len(players), keep_replies=True)
        if joined.errors:
            raise RuntimeError(f"joining failed: {joined.errors[:3]}")
        for reply in joined.replies:
            body = reply.json()
            players[reply.index].token, players[reply.index].player_id = body["player_token"], body["player_id"]
        figures["join_s"] = joined.elapsed
        figures["join_p95_ms"] = percentile(joined.latencies, 95) * 1000
        print(f"[bench] {len(joined.latencies)} joined in {figures['join_s']:.1f} s", file=sys.stderr, flush=True)

        # --- sockets (bench/_ws.py: a message is timed the moment its bytes reach the client)
        loop = asyncio.get_running_loop()
        rss_before = process_tree_rss_kb(server.pid)
        arrivals: dict[int, list[float]] = {}
        all_received: collections.defaultdict[int, asyncio.Event] = collections.defaultdict(asyncio.Event)
        acks_done = asyncio.Event()
        pending_answers = 0
        finished = asyncio.Event()
        finished_count = 0
        boards_seen = 0
        boards_done = asyncio.Event()
        reveals_seen = 0
        reveals_done = asyncio.Event()
        connected_count = 0
        # host action → each phone: when the host's POST left (per kind), and when each phone got the frame
        action_sent: dict[str, float] = {}
        action_ms: collections.defaultdict[str, list[float]] = collections.defaultdict(list)

        def send_answer(player: Player, question_id: int, choices: list[int]) -> None:
            player.sent += 1
            player.answer_started = time.perf_counter()
            player.socket.send_text(json.dumps({"type": "answer", "question_id": question_id, "choices": choices}))

        def answered() -> None:
            nonlocal pending_answers
            pending_answers -= 1
            if pending_answers == 0:
                acks_done.set()

        parsed: dict[bytes, dict] = {}

        def handler(player: Player):
            def on_message(raw: bytes, now: float) -> None:
                nonlocal finished_count, boards_seen, reveals_seen
                if raw.startswith(b'{"type":"question"'):
                    message = parsed.get(raw)  # every player gets the same bytes: parse them once (client CPU)
                    if message is None:
                        message = parsed[raw] = json.loads(raw)
                    qid = message["question_id"]
                    player.question_arrivals[qid] = now
                    action_ms["question"].append((now - action_sent["question"]) * 1000)
                    arrivals.setdefault(qid, []).append(now)
                    if len(arrivals[qid]) == connected_count:
                        all_received[qid].set()
                    options = [o["id"] for o in message["options"]]
                    choices = options[:2] if message["kind"] == "multiple" else [random.choice(options)]
                    # people do not all tap in the same millisecond
                    loop.call_later(random.uniform(0, args.answer_window), send_answer, player, qid, choices)
                elif raw.startswith(b'{"type":"ack"'):
                    player.acked += 1
                    player.ack_ms.append((now - player.answer_started) * 1000)
                    answered()
                elif raw.startswith(b'{"type":"refused"'):
                    player.refused += 1
                    answered()
                elif raw.startswith(b'{"type":"reveal"'):
                    action_ms["reveal"].append((now - action_sent["reveal"]) * 1000)
                    reveals_seen += 1
                    if reveals_seen == connected_count:
                        reveals_done.set()
                elif raw.startswith(b'{"type":"leaderboard"'):
                    action_ms["leaderboard"].append((now - action_sent["leaderboard"]) * 1000)
                    boards_seen += 1
                    if boards_seen == connected_count:
                        boards_done.set()
                elif raw.startswith(b'{"type":"finished"'):
                    finished_count += 1
                    if finished_count == connected_count:
                        finished.set()
                elif raw.startswith(b'{"type":"welcome"') and player.welcome and not player.welcome.done():
                    player.welcome.set_result(True)

            return on_message

        connect_queue = list(players)
        connect_failures: list[str] = []

        async def connector():
            while connect_queue:
                player = connect_queue.pop()
                player.welcome = loop.create_future()
                try:
                    async with asyncio.timeout(120):
                        player.socket = await connect("127.0.0.1", port, "/ws/quiz/play", handler(player))
                        player.socket.send_text(json.dumps({"type": "hello", "token": player.token}))
                        await player.welcome
                except (OSError, TimeoutError) as exc:
                    connect_failures.append(type(exc).__name__)
                    if player.socket is not None:
                        player.socket.transport.close()
                    player.socket = None

        started = time.perf_counter()
        await asyncio.gather(*(connector() for _ in range(32)))
        figures["connect_s"] = time.perf_counter() - started
        figures["connect_failures"] = len(connect_failures)
        players = [p for p in players if p.socket is not None]  # "players" counts those connected
        connected_count = len(players)
        print(f"[bench] {len(players)} sockets connected in {figures['connect_s']:.1f} s", file=sys.stderr, flush=True)
        await asyncio.sleep(1.0 if args.redis else 0.3)
        # The client's own garbage collector must not pause the very clock it measures with (a full collection
        # over 5,000 sockets' objects takes a tenth of a second): off while the questions run.
        gc.collect()
        gc.disable()
        figures["rss_kb_per_player"] = (process_tree_rss_kb(server.pid) - rss_before) / max(1, len(players))

        spreads: list[float] = []
        async with httpx.AsyncClient(base_url=base, headers=bearer, timeout=120) as host:
            for number in range(3):
                acks_done.clear()
                pending_answers = len(players)
                action_sent["question"] = time.perf_counter()
                response = await host.post(f"/api/quiz/runs/{setup['run_id']}/next")
                response.raise_for_status()
                qid = response.json()["message"]["question_id"]
                if len(arrivals.get(qid, [])) == len(players):
                    all_received[qid].set()
                await asyncio.wait_for(all_received[qid].wait(), 60)
                first = min(arrivals[qid])
                spreads.extend((t - first) * 1000 for t in arrivals[qid])
                figures[f"q{number + 1}_spread_max_ms"] = (max(arrivals[qid]) - first) * 1000
                await asyncio.wait_for(acks_done.wait(), args.answer_window + 60)
                reveals_seen = 0
                reveals_done.clear()
                action_sent["reveal"] = time.perf_counter()
                (await host.post(f"/api/quiz/runs/{setup['run_id']}/reveal")).raise_for_status()
                await asyncio.wait_for(reveals_done.wait(), 60)
                boards_seen = 0
                boards_done.clear()
                action_sent["leaderboard"] = time.perf_counter()
                (await host.post(f"/api/quiz/runs/{setup['run_id']}/leaderboard")).raise_for_status()
                # The host moves on once every phone shows the leaderboard (a day chair reads it out): the next
                # question's spread is its own, not the tail of the leaderboard broadcast still being written.
                await asyncio.wait_for(boards_done.wait(), 60)
                await asyncio.sleep(args.pause)
            (await host.post(f"/api/quiz/runs/{setup['run_id']}/end")).raise_for_status()
        await asyncio.wait_for(finished.wait(), 60)
        gc.enable()
        await asyncio.gather(*(player.socket.closed.wait() for player in players))  # the server closes them

        figures["broadcast_p50_ms"] = percentile(spreads, 50)
        figures["broadcast_p99_ms"] = percentile(spreads, 99)
        for kind in ("question", "reveal", "leaderboard"):  # the figures: host action → each phone
            figures[f"{kind}_p99_ms"] = percentile(action_ms[kind], 99)
            figures[f"{kind}_received"] = len(action_ms[kind])
            figures[f"{kind}_first_ms"] = min(action_ms[kind], default=0.0)  # the server's own work, before fan-out
        acks = [ms for p in players for ms in p.ack_ms]
        figures["ack_p50_ms"] = percentile(acks, 50)
        figures["ack_p99_ms"] = percentile(acks, 99)
        figures["answers_sent"] = sum(p.sent for p in players)
        figures["answers_acked"] = sum(p.acked for p in players)
        figures["answers_refused"] = sum(p.refused for p in players)
        stored, distinct = await count_answers(database_url, setup["run_id"])
        figures["answers_stored"] = stored
        figures["duplicates"] = stored - distinct
        # lost: acknowledged answers missing from the database, plus answers that got no reply at all
        unanswered = figures["answers_sent"] - figures["answers_acked"] - figures["answers_refused"]
        figures["lost"] = max(0, figures["answers_acked"] - distinct) + max(0, unanswered)
        figures["players"] = len(players)
    finally:
        stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", default="", help="redis:// URL: the server uses the Redis channels backend")
    parser.add_argument("--database", default="", help="postgres:// URL (the database is recreated); default a temp SQLite file")
    parser.add_argument("--answer-window", type=float, default=5.0, help="players answer at a random moment within this many seconds")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds the host shows the leaderboard before the next question")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    limit = raise_open_file_limit()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    started = time.perf_counter()
    figures = asyncio.run(asyncio.wait_for(run_bench(args), args.timeout))
    print(f"open-file limit {limit}; server workers {args.workers}; channels {'redis' if args.redis else 'memory'}; "
          f"database {'postgres' if args.database else 'sqlite'}; answer window {args.answer_window:.1f} s")
    print(f"hello route GET /livez: {figures['hello_rps']:.0f} req/s (32 concurrent)")
    print(f"join: {figures['players']} players in {figures['join_s']:.1f} s, p95 {figures['join_p95_ms']:.1f} ms; "
          f"sockets connected in {figures['connect_s']:.1f} s ({figures['connect_failures']} failed to connect)")
    print("question spread (first → last player): " + ", ".join(f"q{i} {figures[f'q{i}_spread_max_ms']:.0f} ms" for i in (1, 2, 3)))
    print("host action → each phone, p99: " + ", ".join(
        f"{kind} {figures[f'{kind}_p99_ms']:.0f} ms (first phone {figures[f'{kind}_first_ms']:.0f} ms; "
        f"{figures[f'{kind}_received']} frames)"
        for kind in ("question", "reveal", "leaderboard")))
    print(f"ack p50 {figures['ack_p50_ms']:.1f} ms, p99 {figures['ack_p99_ms']:.1f} ms; answers acked {figures['answers_acked']}, "
          f"refused {figures['answers_refused']}")
    print(f"bench wall time {time.perf_counter() - started:.1f} s; load average at the end {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs (other work on the machine skews every figure)")
    print(
        f"players={figures['players']} join_p95_ms={figures['join_p95_ms']:.1f} "
        f"question_p99_ms={figures['question_p99_ms']:.1f} reveal_p99_ms={figures['reveal_p99_ms']:.1f} "
        f"leaderboard_p99_ms={figures['leaderboard_p99_ms']:.1f} broadcast_p50_ms={figures['broadcast_p50_ms']:.1f} "
        f"broadcast_p99_ms={figures['broadcast_p99_ms']:.1f} ack_p99_ms={figures['ack_p99_ms']:.1f} "
        f"answers_sent={figures['answers_sent']} answers_stored={figures['answers_stored']} lost={figures['lost']} "
        f"duplicates={figures['duplicates']} rss_kb_per_player={figures['rss_kb_per_player']:.1f} hello_rps={figures['hello_rps']:.0f}"
    )


if __name__ == "__main__":
    main()
