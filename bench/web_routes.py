"""Web benchmark with wrk: a bare Litestar hello app, then the real server (`events serve`, demo data, access log
and in-process mail delivery on, as in production), each route under `wrk -t2 -c64 -d10s`.

    .venv/bin/python bench/web_routes.py
    .venv/bin/python bench/web_routes.py --duration 5 --routes /livez,/ --no-access-log

It prints one line per route: `route=/path rate=… p99_ms=… ratio=… hello_rate=… errors=…` (ratio = rate / the
hello app's rate measured just before that route, in the same run: the hello app stays up throughout). `/registrations/{token}` cycles through --tokens different manage links (made
through the API first); the POST registers a fresh address on every request (bench/wrk/register.lua). Only
127.0.0.1 is contacted; the database is a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _server import free_port, start_server, stop_server  # noqa: E402

BENCH = ROOT / "bench"
SLUG = "weerbare-organisatie"
ROUTES = (
    "/livez", f"/events/{SLUG}", "/", "/archive", "/library", "/api/events", f"/events/{SLUG}/event.ics",
    f"/events/{SLUG}/programme.ics", "/calendar.ics", "/registrations/{token}", f"POST /api/events/{SLUG}/registrations",
)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: float, connections: int, script: str | None = None, args: tuple[str, ...] = ()) -> dict:
    """Run wrk and read its rate, p99 and error counts."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx[1]) if non_2xx else 0) + (sum(int(n) for n in socket.groups()) if socket else 0)
    return {"rate": rate, "p99_ms": float(p99[1]) * UNITS[p99[2]] if p99 else 0.0, "errors": errors}


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_hello(log: Path) -> tuple[subprocess.Popen, str]:
    """The bare Litestar hello app (uvicorn, one worker, no access log), kept up for the whole run."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH), "hello_app:app", "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    wait_for(url)
    return process, url


def measure_hello(url: str, duration: float, connections: int) -> dict:
    wrk(url, 1, connections)  # warm-up
    return wrk(url, duration, connections)


def prepare(env: dict[str, str]) -> None:
    events = [sys.executable, "-m", "events.cli"]
    subprocess.run([*events, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*events, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)


def manage_paths(port: int, count: int, path: Path) -> None:
    """Register `count` participants through the API and write their manage pages' paths, one a line."""
    lines = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for i in range(count):
            body = {"name": f"Bezoeker {i}", "email": f"bezoeker{i}@gemeente.example", "organisation": "Gemeente"}
            reply = client.post(f"/api/events/{SLUG}/registrations", json=body)
            reply.raise_for_status()
            lines.append(f"/registrations/{reply.json()['token']}")
    path.write_text("\n".join(lines) + "\n")


def wait_for_mail(mail_dir: Path, quiet_s: float = 2.0, timeout: float = 120) -> None:
    """Waits until the server has written no new .eml file for `quiet_s` seconds (its outbox is empty): the first
    route must not be measured while the confirmations of the manage links are being rendered."""
    deadline, last, still_since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(list(mail_dir.glob("*.eml"))) if mail_dir.is_dir() else 0
        if count != last:
            last, still_since = count, time.monotonic()
        elif time.monotonic() - still_since >= quiet_s:
            return
        time.sleep(0.25)


def measure_routes(args: argparse.Namespace, workdir: Path, hello_url: str) -> None:
    """Each route right after a fresh measurement of the hello app: this machine's speed drifts by a quarter
    within minutes, and a ratio to a hello measured long before drifted with it."""
    port = free_port()
    env = {
        **os.environ,
        "EVENTS_DATABASE_URL": f"sqlite:///{workdir / 'events.db'}",
        "EVENTS_DATA_DIR": str(workdir / "data"),
        "EVENTS_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "EVENTS_BASE_URL": f"http://127.0.0.1:{port}",
        "EVENTS_RATE_LIMITS": "off",
        "EVENTS_DELIVER_IN_PROCESS": "true",
        "EVENTS_ACCESS_LOG": "off" if args.no_access_log else "on",
    }
    env.pop("EVENTS_SMTP_URL", None)  # mail goes to .eml files under the temp data dir
    prepare(env)
    server = start_server(env, port, 1, workdir / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        tokens = workdir / "manage-paths.txt"
        manage_paths(port, args.tokens, tokens)
        wait_for_mail(workdir / "data" / "mail")  # the in-process worker sends their confirmations first
        wanted = args.routes.split(",") if args.routes else ROUTES
        for route in wanted:
            if route == "/registrations/{token}":
                script, script_args, url = str(BENCH / "wrk" / "paths.lua"), (str(tokens),), base + "/"
                warm_up_args = script_args
            elif route.startswith("POST "):
                script, url = str(BENCH / "wrk" / "register.lua"), base + "/"
                script_args = (route.removeprefix("POST "), str(os.getpid()))
                # its own run id: the measured run registers fresh addresses, not the warm-up's again (a repeat
                # is another path: the existing registration and its link mail)
                warm_up_args = (script_args[0], f"{os.getpid()}-warm-up")
            else:
                script, script_args, url = None, (), base + route
                warm_up_args = script_args
            hello = measure_hello(hello_url, args.duration, args.connections)
            wrk(url, 1, args.connections, script, warm_up_args)  # warm-up (and the caches' first fill)
            result = wrk(url, args.duration, args.connections, script, script_args)
            print(
                f"route={route.replace(' ', '_')} rate={result['rate']:.0f} p99_ms={result['p99_ms']:.1f} "
                f"ratio={result['rate'] / hello['rate']:.3f} hello_rate={hello['rate']:.0f} errors={result['errors']}",
                flush=True,
            )
    finally:
        stop_server(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--tokens", type=int, default=300, help="how many different manage links to cycle through")
    parser.add_argument("--routes", default="", help="comma-separated subset of the routes (default all)")
    parser.add_argument("--no-access-log", action="store_true", help="EVENTS_ACCESS_LOG=off (to measure its share)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench does)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="web-bench-"))
    hello_server, hello_url = start_hello(workdir / "hello.log")
    try:
        hello = measure_hello(hello_url, args.duration, args.connections)
        print(f"route=hello rate={hello['rate']:.0f} p99_ms={hello['p99_ms']:.1f} ratio=1.000 errors={hello['errors']}", flush=True)
        measure_routes(args, workdir, hello_url)
    finally:
        stop_server(hello_server)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
