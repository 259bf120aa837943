"""The quiz's WebSocket hub: one channel per run for everyone, one for its host, and the two socket endpoints.

Messages are JSON objects with a `type`; the protocol is documented in README.md ("Quiz WebSocket protocol").
Broadcasts are encoded once and go through Litestar's ChannelsPlugin (memory backend in one process, Redis when
EVENTS_REDIS_URL is set), so a host and players on different workers see the same run. Nothing here is needed
for correctness: answers are decided by the database (see `service.submit_answer`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from events.kernel.i18n import N_, gettext_for
from events.quiz import service
from events.web.auth import user_of
from events.web.i18n import language_of

log = logging.getLogger("events.quiz")

HELLO_TIMEOUT_S = 15
MAX_MESSAGE_BYTES = 4096
CLOSE_REFUSED = 4403  # application close codes (4000–4999): the client should not reconnect
CLOSE_FINISHED = 4000

_encode = msgspec.json.encode
_decode = msgspec.json.decode


def run_channel(run_id: int) -> str:
    return f"quiz-run-{run_id}"


def host_channel(run_id: int) -> str:
    return f"quiz-host-{run_id}"


def channels_of(app: Any) -> ChannelsPlugin:
    return app.plugins.get(ChannelsPlugin)


async def publish(channels: ChannelsPlugin, message: dict[str, Any], to_host_only: bool = False) -> None:
    """Sends one message to every socket of the run (or its host); waits until the backend has it."""
    run_id = message["run_id"]
    message = {"type": message["type"], **message}  # "type" first: forwarders peek at it without decoding
    await channels.wait_published(_encode(message), host_channel(run_id) if to_host_only else run_channel(run_id))


def release_channels(channels: ChannelsPlugin, names: list[str]) -> None:
    """Drops channel entries nobody listens to any more (Litestar keeps them otherwise, upstream issue #4867)."""
    registry: dict[str, set] = channels._channels  # noqa: SLF001 - no public API for this yet
    for name in names:
        if name in registry and not registry[name]:
            registry.pop(name, None)


def subscriber_count(channels: ChannelsPlugin, run_id: int | None = None) -> int:
    registry: dict[str, set] = channels._channels  # noqa: SLF001
    if run_id is None:
        return sum(len(s) for n, s in registry.items() if n.startswith("quiz-"))
    return len(registry.get(run_channel(run_id), ())) + len(registry.get(host_channel(run_id), ()))


def quiz_channel_names(channels: ChannelsPlugin) -> list[str]:
    return [name for name in channels._channels if name.startswith("quiz-")]  # noqa: SLF001


async def _receive_json(socket: WebSocket) -> Any:
    raw = await socket.receive_data(mode="text")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ValueError("message too large")
    return _decode(raw)


class FullCollectionPause:
    """While a worker holds live quiz sockets, Python's cyclic GC skips its full (generation 2) collections.

    Thousands of connected phones are hundreds of thousands of long-lived objects per worker; measured with
    2,500 sockets per worker, each full collection stopped the worker for 0.4–0.5 s, in the middle of a
    question (every answer and broadcast waiting behind it). Young collections (generations 0 and 1, where
    short-lived cycles die) go on as usual; when the worker's last quiz socket closes, the thresholds are
    restored and the next full collection catches whatever waited. Counted per process (the GC is per process).
    """

    PAUSED = 2**31 - 1  # gen-1 collections before a full one: never, in practice

    def __init__(self) -> None:
        self.holders = 0
        self.saved: tuple[int, int, int] | None = None

    def acquire(self) -> None:
        self.holders += 1
        if self.holders == 1:
            self.saved = gc.get_threshold()
            gc.set_threshold(self.saved[0], self.saved[1], self.PAUSED)

    def release(self) -> None:
        self.holders -= 1
        if self.holders == 0 and self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None


full_collection_pause = FullCollectionPause()


async def _serve(socket: WebSocket, channels: ChannelsPlugin, names: list[str], welcome, on_message, forward) -> None:
    """Subscribe first, then send the current state (so no event falls between the two), then forward events
    while reading the client's messages, until either side ends.

    `forward(event)` returns what this socket gets of a broadcast: (text or None to skip it, close afterwards).
    """
    stop = asyncio.Event()
    full_collection_pause.acquire()

    async def forward_event(event: bytes) -> None:
        if stop.is_set():
            return
        text, close = forward(event)
        if text is not None:
            await socket.send_data(text, mode="text")
        if close:
            stop.set()

    try:
        async with channels.start_subscription(names) as subscriber:
            await socket.send_data(_encode(await welcome()).decode(), mode="text")
            async with subscriber.run_in_background(forward_event, join=False):
                stopper = asyncio.create_task(stop.wait())
                try:
                    while True:
                        receiver = asyncio.create_task(_receive_json(socket))
                        done, _pending = await asyncio.wait({receiver, stopper}, return_when=asyncio.FIRST_COMPLETED)
                        if stopper in done:
                            receiver.cancel()
                            with contextlib.suppress(BaseException):
                                await receiver
                            break
                        try:
                            message = receiver.result()
                        except (msgspec.DecodeError, ValueError):
                            await socket.send_data(_encode({"type": "error", "reason": "invalid"}).decode(), mode="text")
                            continue
                        if isinstance(message, dict):
                            await on_message(message)
                finally:
                    stopper.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        release_channels(channels, names)
        full_collection_pause.release()
    if stop.is_set():
        with contextlib.suppress(Exception):
            await socket.close(code=CLOSE_FINISHED)


def _kind(event: bytes) -> bytes:
    # Messages are encoded by `publish` with "type" first: a cheap look without decoding every broadcast.
    return event[9 : event.find(b'"', 9)] if event.startswith(b'{"type":"') else b""


ANSWER_COUNT_INTERVAL_S = 0.1


class AnswerCounts:
    """The host screen's "how many answered", per worker: stored answers are counted per (run, question) and
    published to the host channel at most every ANSWER_COUNT_INTERVAL_S as `answer_in` with a `count`.

    One message per answer cost a Redis round trip each: a fifth of a worker's time when 5,000 players answer.
    The counts are for the screen only; the answers themselves are in the database before the ack."""

    def __init__(self, channels: ChannelsPlugin) -> None:
        self.channels = channels
        self.pending: dict[tuple[int, int], int] = {}
        self.task: asyncio.Task | None = None

    def add(self, run_id: int, question_id: int) -> None:
        key = (run_id, question_id)
        self.pending[key] = self.pending.get(key, 0) + 1
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(ANSWER_COUNT_INTERVAL_S)
        pending, self.pending = self.pending, {}
        for (run_id, question_id), count in pending.items():
            try:
                await publish(self.channels, {"run_id": run_id, "type": "answer_in", "question_id": question_id,
                                              "count": count}, to_host_only=True)
            except Exception:  # noqa: BLE001 - a lost count only delays the screen; the next host_state has the total
                log.exception("publishing answer counts of run %s failed", run_id)


def answer_counts_of(app: Any, channels: ChannelsPlugin) -> AnswerCounts:
    counts = getattr(app.state, "quiz_answer_counts", None)
    if counts is None:
        counts = app.state.quiz_answer_counts = AnswerCounts(channels)
    return counts


# Broadcasts that carry one entry per player: the reveal's points, the leaderboard's and the end's ranks. They
# travel once through the channel (Redis), but a phone only gets its own entry as `you`: sending every socket
# everybody's entries would cost O(players²) bytes (5,000 players: 100 KB to each of 5,000 sockets) and show
# every player everyone's scores.
PERSONAL_FIELDS = {b"reveal": "points", b"leaderboard": "ranks", b"finished": "ranks"}
_split_cache: OrderedDict[bytes, tuple[str, dict[str, Any]]] = OrderedDict()


def _split(event: bytes, field: str) -> tuple[str, dict[str, Any]]:
    """(the message without `field`, as JSON text lacking its closing brace; the field's per-player map).

    Every socket of a worker receives the same bytes object, whose hash Python caches: the broadcast is decoded
    once per worker, not once per socket."""
    cached = _split_cache.get(event)
    if cached is None:
        message = _decode(event)
        entries = message.pop(field, None) or {}
        cached = (_encode(message).decode()[:-1], entries)
        _split_cache[event] = cached
        while len(_split_cache) > 8:
            _split_cache.popitem(last=False)
    return cached


def personal_text(event: bytes, kind: bytes, player_id: int) -> str:
    """The broadcast as this player sees it: shared fields plus `you` ({points} or {rank, score}; null if none)."""
    base, entries = _split(event, PERSONAL_FIELDS[kind])
    entry = entries.get(str(player_id))
    if entry is None:
        you = "null"
    elif kind == b"reveal":
        you = f'{{"points":{int(entry)}}}'
    else:
        you = f'{{"rank":{int(entry[0])},"score":{int(entry[1])}}}'
    return f'{base},"you":{you}}}'


def shared_text(event: bytes, kind: bytes) -> str:
    """The broadcast without its per-player map (the host screen shows the top, not everyone's entry)."""
    return _split(event, PERSONAL_FIELDS[kind])[0] + "}" if kind in PERSONAL_FIELDS else event.decode()


# Players have no account: no server-side session is loaded or written for their sockets.
@websocket("/ws/quiz/play", opt={"csrf_free": True, "skip_session": True})
async def play_socket(socket: WebSocket) -> None:
    """A player's phone: sends {"type":"hello","token":…} first; then answers; receives the run's broadcasts."""
    await socket.accept()
    app = socket.app
    clock = app.state.clock
    channels = channels_of(app)
    language = language_of(socket)
    try:
        hello = await asyncio.wait_for(_receive_json(socket), HELLO_TIMEOUT_S)
    except (TimeoutError, WebSocketDisconnect, msgspec.DecodeError, ValueError):
        with contextlib.suppress(Exception):
            await socket.close(code=CLOSE_REFUSED)
        return
    token = hello.get("token") if isinstance(hello, dict) else None
    player = await service.player_by_token(token if isinstance(token, str) else "")
    if player is None or player["removed"]:
        reason = "removed" if player else "unknown_player"
        message = N_("The host removed you from this quiz") if player else N_("This quiz link is not valid (any more)")
        await socket.send_data(
            _encode({"type": "refused", "reason": reason, "message": gettext_for(language, message)}).decode(), mode="text"
        )
        await socket.close(code=CLOSE_REFUSED)
        return
    player_id, run_id = player["id"], player["run"]
    run = await service.run_by_id(run_id)
    if run is None or run["status"] == "finished":
        # The run is over: the final standing, then close (no subscription to a finished run's channel).
        await socket.send_data(_encode(await service.player_view(player, clock.now())).decode(), mode="text")
        await socket.close(code=CLOSE_FINISHED)
        return
    removed_marker = b'"player_id":%d}' % player_id

    def forward(event: bytes) -> tuple[str | None, bool]:
        kind = _kind(event)
        if kind == b"player_removed":
            return (event.decode(), True) if event.endswith(removed_marker) else (None, False)
        if kind in PERSONAL_FIELDS:
            return personal_text(event, kind, player_id), kind == b"finished"
        return event.decode(), False

    async def welcome() -> dict[str, Any]:
        return await service.player_view(player, clock.now())

    async def on_message(message: dict[str, Any]) -> None:
        if message.get("type") == "answer":
            question_id, choices = message.get("question_id"), message.get("choices")
            if not isinstance(question_id, int) or not isinstance(choices, list) or not all(
                isinstance(c, int) for c in choices
            ) or len(choices) > 10:
                await socket.send_data(_encode({"type": "error", "reason": "invalid"}).decode(), mode="text")
                return
            result = await service.submit_answer(run_id, player_id, question_id, choices, clock.now())
            if result.accepted:
                await socket.send_data(
                    _encode({"type": "ack", "question_id": question_id, "response_ms": result.response_ms}).decode(),
                    mode="text",
                )
                answer_counts_of(app, channels).add(run_id, question_id)
            else:
                await socket.send_data(
                    _encode(
                        {
                            "type": "refused",
                            "question_id": question_id,
                            "reason": result.reason,
                            "message": gettext_for(language, result.message),
                        }
                    ).decode(),
                    mode="text",
                )
        elif message.get("type") == "ping":
            await socket.send_data('{"type":"pong"}', mode="text")

    await _serve(socket, channels, [run_channel(run_id)], welcome, on_message, forward)


def _same_origin(socket: WebSocket) -> bool:
    """Browsers send cookies with cross-site WebSocket handshakes: the host socket only answers its own pages."""
    origin = socket.headers.get("origin")
    if origin is None:
        return True  # not a browser
    host = socket.headers.get("host", "")
    return urlsplit(origin).netloc == host


@websocket("/ws/quiz/host/{run_id:int}", opt={"csrf_free": True})
async def host_socket(socket: WebSocket, run_id: FromPath[int]) -> None:
    """The host screen: the run's broadcasts plus lobby joins and answer counts. Host actions go through HTTP POST."""
    await socket.accept()
    user = user_of(socket)
    app = socket.app
    try:
        if user is None or not _same_origin(socket):
            raise service.Forbidden("Sign in first")
        run, quiz, _event = await service.run_for_host(run_id, user)
    except service.RuleViolation:
        await socket.send_data(_encode({"type": "refused", "reason": "forbidden"}).decode(), mode="text")
        await socket.close(code=CLOSE_REFUSED)
        return

    async def welcome() -> dict[str, Any]:
        current = await service.run_by_id(run_id)
        return await service.host_view(current or run, quiz, app.state.clock.now())

    async def on_message(message: dict[str, Any]) -> None:
        if message.get("type") == "ping":
            await socket.send_data('{"type":"pong"}', mode="text")

    def forward(event: bytes) -> tuple[str | None, bool]:
        kind = _kind(event)
        return shared_text(event, kind), kind == b"finished"

    await _serve(socket, channels_of(app), [run_channel(run_id), host_channel(run_id)], welcome, on_message, forward)
