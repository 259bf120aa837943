"""The real server for the benchmarks: `events serve` in its own process group, waited for, and stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int, log_path: Path, timeout: float = 90) -> subprocess.Popen:
    """Start `events serve` (no migration: the bench prepared the database) and wait until /healthz answers.

    The server's output goes to `log_path`, whose tail is raised when the server exits early.
    """
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "events.cli", "serve", "--no-migrate", "--port", str(port), "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + timeout  # start-up imports take seconds on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"server did not start within {timeout:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
