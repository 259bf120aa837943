"""Rate limits on the doors anyone can knock on: sign-in, registration and joining a quiz.

Each limited request counts against a fixed window per client address and bucket (`login`, `registration`,
`quiz_join`; limits from `settings.rate_limits`, i.e. EVENTS_RATE_LIMITS). Past the limit the answer is 429 with
`Retry-After`: JSON under /api, the error page in the visitor's language elsewhere.

The counters must hold across worker processes, so they never live in process memory: Redis (atomic INCR) when
EVENTS_REDIS_URL is set, else a small SQLite file under the data dir (an atomic upsert), which every worker on
the host shares. Litestar's RateLimitConfig was not used: it has one limit for all routes and its file store
reads and rewrites a counter without a lock, so concurrent workers lose counts.

A route is limited when its handler says `opt={"rate_limit": "<bucket>"}` or when its method and path match
LIMITED_PATHS below (so domains need not know about this module).
"""

from __future__ import annotations

import contextlib
import math
import re
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import anyio.to_thread
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from events.kernel.i18n import N_, gettext_for
from events.kernel.settings import Settings
from events.web.errors import DomainError, wants_json
from events.web.i18n import language_of

# (bucket, method, path pattern): the public, state-changing doors.
LIMITED_PATHS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (bucket, method, re.compile(pattern))
    for bucket, method, pattern in (
        ("login", "POST", r"^/login/?$"),
        ("registration", "POST", r"^/api/events/[^/]+/registrations/?$"),
        ("registration", "POST", r"^/events/[^/]+/(register|registration|registrations)/?$"),
        ("quiz_join", "POST", r"^/api/quiz/join/?$"),
        ("quiz_join", "POST", r"^/api/quiz/[^/]+/join/?$"),
        ("quiz_join", "POST", r"^/quiz/?$"),
        ("quiz_join", "POST", r"^/quiz/join/?$"),
        ("quiz_join", "POST", r"^/quiz/[^/]+/join/?$"),
    )
)

MESSAGE = N_("Too many attempts in a short time. Wait %(seconds)s seconds and try again.")


class TooManyRequests(DomainError):
    status_code = 429


class Counter(Protocol):
    async def hit(self, key: str, window_seconds: int) -> int:
        """Count one request for `key` (which names its window) and return the count so far."""
        ...

    async def close(self) -> None: ...


class RedisCounter:
    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis  # noqa: PLC0415 - only with EVENTS_REDIS_URL

        self.redis = Redis.from_url(url)

    async def hit(self, key: str, window_seconds: int) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(f"events-ratelimit:{key}")
            pipe.expire(f"events-ratelimit:{key}", window_seconds + 5)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self.redis.aclose()


class SQLiteCounter:
    """Counters in a SQLite file that all workers on this host share; each hit is one atomic upsert."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.Lock()
        self.connection = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        # Counters need no durability across a power cut; they need speed.
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
        )
        self.hits_since_sweep = 0

    def _hit(self, key: str, window_seconds: int) -> int:
        with self.lock:
            now = time.time()
            (count,) = self.connection.execute(
                "INSERT INTO hits (key, count, expires) VALUES (?, 1, ?) "
                "ON CONFLICT(key) DO UPDATE SET count = count + 1 RETURNING count",
                (key, now + window_seconds + 5),
            ).fetchone()
            self.hits_since_sweep += 1
            if self.hits_since_sweep >= 1000:
                self.hits_since_sweep = 0
                self.connection.execute("DELETE FROM hits WHERE expires < ?", (now,))
            return int(count)

    async def hit(self, key: str, window_seconds: int) -> int:
        return await anyio.to_thread.run_sync(self._hit, key, window_seconds)

    async def close(self) -> None:
        with self.lock:
            self.connection.close()


def rate_limit_lifespan(settings: Settings):
    """Opens the counters shared by all workers (Redis or a file under the data dir) for the app's lifetime."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        app.state.rate_limit_counter = make_counter(settings) if settings.rate_limits else None
        try:
            yield
        finally:
            if app.state.rate_limit_counter is not None:
                await app.state.rate_limit_counter.close()

    return lifespan


def make_counter(settings: Settings) -> Counter:
    if settings.redis_url:
        return RedisCounter(settings.redis_url)
    return SQLiteCounter(settings.data_dir / "ratelimit.sqlite3")


def bucket_of(scope: Scope) -> str | None:
    handler = scope.get("route_handler")
    if handler is not None and handler.opt.get("rate_limit"):
        return handler.opt["rate_limit"]
    method, path = scope["method"], scope["path"]
    for bucket, limited_method, pattern in LIMITED_PATHS:
        if method == limited_method and pattern.match(path):
            return bucket
    return None


def client_address(scope: Scope) -> str:
    # Behind a proxy, uvicorn's --proxy-headers (trusted hosts only) puts the real address here.
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimitMiddleware:
    """Counts limited requests before anything else runs (CSRF, body parsing, the database)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            bucket = bucket_of(scope)
            state = scope["litestar_app"].state
            limit = state.settings.rate_limits.get(bucket) if bucket else None
            if limit is not None:
                await self.check(scope, state, bucket, limit)
        await self.app(scope, receive, send)

    async def check(self, scope: Scope, state, bucket: str, limit: tuple[int, int]) -> None:
        await count_attempt(scope, state, bucket, client_address(scope), limit)


async def count_attempt(scope: Scope, state: Any, bucket: str, who: str, limit: tuple[int, int] | None = None) -> None:
    """Counts one attempt of `who` (a client address, or e.g. the account a sign-in is for) in `bucket`'s window;
    raises TooManyRequests (429 with Retry-After) past the limit. No limit configured: nothing is counted."""
    limit = limit or state.settings.rate_limits.get(bucket)
    if limit is None:
        return
    allowed, window = limit
    now = state.clock.now().timestamp()
    index = math.floor(now / window)
    counter: Counter = state.rate_limit_counter
    if await counter.hit(f"{bucket}:{window}:{index}:{who}", window) <= allowed:
        return
    retry_after = max(1, math.ceil((index + 1) * window - now))
    request = Request(scope)
    if wants_json(request):
        detail = MESSAGE % {"seconds": retry_after}
    else:
        # The error page passes `detail` through gettext: hand it the finished sentence in the visitor's language.
        detail = gettext_for(language_of(request), MESSAGE, seconds=retry_after)
    raise TooManyRequests(
        detail=detail,
        headers={"Retry-After": str(retry_after)},
        extra=[{"key": "retry_after", "message": str(retry_after)}],
    )
