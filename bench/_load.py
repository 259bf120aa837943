"""A lean HTTP/1.1 load client for the benchmarks: keep-alive connections over asyncio streams (uvloop).

httpx spends about a millisecond of CPU per request; on a 2-core machine where the client shares the cores with
the server under test, that made the client the bottleneck (it capped both the hello route and the rush). This
client writes pre-encoded requests and reads `Content-Length` bodies, nothing more: it only talks to our own
server on 127.0.0.1, which always sends Content-Length.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int
    body: bytes
    index: int = -1  # which request (make_request's i) this answers

    def json(self):
        return json.loads(self.body)


@dataclass
class LoadResult:
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def get_request(path: str, host: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n".encode()


def post_json_request(path: str, host: str, payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        if length is None:
            raise RuntimeError(f"response without Content-Length: {head[:200]!r}")
        body = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return Reply(status, body)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
            self.writer = self.reader = None


async def run_load(
    host: str, port: int, clients: int, make_request: Callable[[int], bytes],
    count: int | None = None, seconds: float | None = None, keep_replies: bool = False,
) -> LoadResult:
    """`clients` keep-alive connections send `make_request(i)` for i = 0, 1, … until `count` requests were sent
    or `seconds` passed. Latency is measured per request, from writing it to reading the whole answer."""
    result = LoadResult()
    next_index = 0
    deadline = 0.0

    async def client() -> None:
        nonlocal next_index
        connection = Connection(host, port)
        try:
            while True:
                if count is not None and next_index >= count:
                    return
                if seconds is not None and time.monotonic() >= deadline:
                    return
                i = next_index
                next_index += 1
                raw = make_request(i)
                started = time.perf_counter()
                try:
                    reply = await connection.request(raw)
                except (OSError, asyncio.IncompleteReadError, RuntimeError) as exc:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    await connection.close()
                    continue
                result.latencies.append(time.perf_counter() - started)
                reply.index = i
                if keep_replies or reply.status >= 400:
                    result.replies.append(reply)
                if reply.status >= 400:
                    result.errors.append(f"HTTP {reply.status}: {reply.body[:200]!r}")
        finally:
            await connection.close()

    started = time.monotonic()
    deadline = started + (seconds or 0)
    await asyncio.gather(*(client() for _ in range(clients)))
    result.elapsed = time.monotonic() - started
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]
