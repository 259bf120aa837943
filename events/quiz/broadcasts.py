"""What travels on a run's channels: one channel per run for everyone and one for its host, publishing a message
once, the per-player part of broadcasts that carry everyone's entries, and the host's answer counts.

Messages are JSON objects with a `type`; the protocol is documented in README.md ("Quiz WebSocket protocol").
Broadcasts are encoded once and go through Litestar's ChannelsPlugin (memory backend in one process, Redis when
EVENTS_REDIS_URL is set), so a host and players on different workers see the same run. Nothing here is needed
for correctness: answers are decided by the database (see `service.submit_answer`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency

from events.quiz.rows import JoinedPlayer

log = logging.getLogger("events.quiz")

_encode = msgspec.json.encode
_decode = msgspec.json.decode

ANSWER_COUNT_INTERVAL_S = 0.1
CHANNEL_PREFIX = "quiz-"


def run_channel(run_id: int) -> str:
    return f"{CHANNEL_PREFIX}run-{run_id}"


def host_channel(run_id: int) -> str:
    return f"{CHANNEL_PREFIX}host-{run_id}"


async def publish(channels: ChannelsPlugin, message: dict[str, Any], to_host_only: bool = False) -> None:
    """Sends one message to every socket of the run (or its host); waits until the backend has it."""
    run_id = message["run_id"]
    message = {"type": message["type"], **message}  # "type" first: forwarders peek at it without decoding
    await channels.wait_published(_encode(message), host_channel(run_id) if to_host_only else run_channel(run_id))


async def announce_player(channels: ChannelsPlugin, joined: JoinedPlayer) -> None:
    """Tells the run's host screen that a player joined."""
    await publish(
        channels,
        {"type": "player_joined", "run_id": joined.run_id, "player_id": joined.player_id, "nickname": joined.nickname},
        to_host_only=True,
    )


def release_channels(channels: ChannelsPlugin, names: list[str]) -> None:
    """Drops channel entries nobody listens to any more (Litestar keeps them otherwise, upstream issue #4867)."""
    registry: dict[str, set] = channels._channels  # noqa: SLF001 - no public API for this yet
    for name in names:
        if name in registry and not registry[name]:
            registry.pop(name, None)


def quiz_channel_names(channels: ChannelsPlugin) -> list[str]:
    return [name for name in channels._channels if name.startswith(CHANNEL_PREFIX)]  # noqa: SLF001


def kind_of(event: bytes) -> bytes:
    # Messages are encoded by `publish` with "type" first: a cheap look without decoding every broadcast.
    return event[9 : event.find(b'"', 9)] if event.startswith(b'{"type":"') else b""


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


# How a handler names them: `channels: ChannelsDep` (from the app's ChannelsPlugin), `answer_counts: AnswerCountsDep`
# (the worker's counts, kept by QuizPlugin).
ChannelsDep = NamedDependency[ChannelsPlugin]
AnswerCountsDep = NamedDependency[AnswerCounts]


# Broadcasts that carry one entry per player: the reveal's points, the leaderboard's and the end's ranks. They
# travel once through the channel (Redis), but a phone only gets its own entry as `you`: sending every socket
# everybody's entries would cost O(players²) bytes (5,000 players: 100 KB to each of 5,000 sockets) and show
# every player everyone's scores.
PERSONAL_FIELDS = {b"reveal": "points", b"leaderboard": "ranks", b"finished": "ranks"}
_split_cache: OrderedDict[bytes, tuple[str, dict[str, Any]]] = OrderedDict()
_SPLIT_CACHE_SIZE = 8


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
        while len(_split_cache) > _SPLIT_CACHE_SIZE:
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
