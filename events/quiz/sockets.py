"""The quiz's WebSocket endpoints: a player's phone and the host screen. Each relays the run's messages to its
socket while it reads what the client sends; the protocol is in README.md ("Quiz WebSocket protocol") and what
travels on the channels in `broadcasts`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from events.kernel.clock import Clock
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.quiz import service
from events.quiz.broadcasts import (
    PERSONAL_FIELDS,
    AnswerCounts,
    AnswerCountsDep,
    host_channel,
    kind_of,
    personal_text,
    run_channel,
    shared_text,
)
from events.quiz.rows import PlayerRow
from events.quiz.tables import RunStatus
from events.web.auth import user_of
from events.web.deps import ClockDep
from events.web.fanout import Fanout, FanoutDep, Forward
from events.web.i18n import language_of

HELLO_TIMEOUT_S = 15
MAX_MESSAGE_BYTES = 4096
CHOICES_MAX = 10  # more than any question has options: a longer list is not an answer
CLOSE_REFUSED = 4403  # application close codes (4000–4999): the client should not reconnect
CLOSE_FINISHED = 4000
PONG = '{"type":"pong"}'

_encode = msgspec.json.encode
_decode = msgspec.json.decode



async def _send(socket: WebSocket, message: dict[str, Any]) -> None:
    await socket.send_data(_encode(message).decode(), mode="text")


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


async def relay_run(
    socket: WebSocket,
    fanout: Fanout,
    names: list[str],
    welcome: Callable[[], Awaitable[dict[str, Any]]],
    on_message: Callable[[dict[str, Any]], Awaitable[None]],
    forward: Forward,
) -> None:
    """Relays the run's messages to one socket (through the worker's hub, `events.web.fanout`) while handing the
    client's messages to `on_message`, until either side ends: a forward that says "close" makes the hub close the
    socket after that message (CLOSE_FINISHED), which ends the reading here. It listens first, then sends the
    current state (`welcome`), so no message falls between the two."""
    full_collection_pause.acquire()
    try:
        async with fanout.listen(socket, names, forward, close_code=CLOSE_FINISHED) as listener:
            await _send(socket, await welcome())
            await fanout.start(listener)
            await _read_messages(socket, on_message)
    except WebSocketDisconnect:
        pass
    finally:
        full_collection_pause.release()


async def _read_messages(socket: WebSocket, on_message: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    """Hands the client's JSON objects to `on_message` until the socket closes (it raises WebSocketDisconnect)."""
    while True:
        try:
            message = await _receive_json(socket)
        except (msgspec.DecodeError, ValueError):
            await _send(socket, {"type": "error", "reason": "invalid"})
            continue
        if isinstance(message, dict):
            await on_message(message)


# --- a player's phone ------------------------------------------------------------------------------------------


async def _greeted_player(socket: WebSocket, language: str) -> PlayerRow | None:
    """The player named by the socket's first message, {"type":"hello","token":…}; else refused and closed."""
    try:
        hello = await asyncio.wait_for(_receive_json(socket), HELLO_TIMEOUT_S)
    except (TimeoutError, WebSocketDisconnect, msgspec.DecodeError, ValueError):
        with contextlib.suppress(Exception):
            await socket.close(code=CLOSE_REFUSED)
        return None
    token = hello.get("token") if isinstance(hello, dict) else None
    player = await service.player_by_token(token if isinstance(token, str) else "")
    if player is not None and not player.removed:
        return player
    reason = "removed" if player else "unknown_player"
    message = N_("The host removed you from this quiz") if player else N_("This quiz link is not valid (any more)")
    await _send(socket, {"type": "refused", "reason": reason, "message": gettext_for(language, message)})
    await socket.close(code=CLOSE_REFUSED)
    return None


def _forward_to_player(player_id: int) -> Forward:
    """A player gets every run message, its own entry of personal ones, and only its own removal."""
    removed_marker = b'"player_id":%d}' % player_id

    def forward(event: bytes, text: str) -> tuple[str | None, bool]:
        kind = kind_of(event)
        if kind == b"player_removed":
            return (text, True) if event.endswith(removed_marker) else (None, False)
        if kind in PERSONAL_FIELDS:
            return personal_text(event, kind, player_id), kind == b"finished"
        return text, False

    return forward


async def _answer(
    socket: WebSocket, message: dict[str, Any], player: PlayerRow, clock: Clock, counts: AnswerCounts, language: str
) -> None:
    """An answer message: acknowledged once stored (and counted for the host), or refused with the reason."""
    question_id, choices = message.get("question_id"), message.get("choices")
    if not isinstance(question_id, int) or not isinstance(choices, list) or not all(
        isinstance(c, int) for c in choices
    ) or len(choices) > CHOICES_MAX:
        await _send(socket, {"type": "error", "reason": "invalid"})
        return
    result = await service.submit_answer(player.run, player.id, question_id, choices, clock.now())
    if result.accepted:
        await _send(socket, {"type": "ack", "question_id": question_id, "response_ms": result.response_ms})
        counts.add(player.run, question_id)
        return
    await _send(socket, {
        "type": "refused",
        "question_id": question_id,
        "reason": result.reason,
        "message": gettext_for(language, result.message),
    })


# Players have no account: no server-side session is loaded or written for their sockets.
@websocket("/ws/quiz/play", opt={"csrf_free": True, "skip_session": True})
async def play_socket(
    socket: WebSocket, fanout: FanoutDep, clock: ClockDep, answer_counts: AnswerCountsDep
) -> None:
    """A player's phone: sends {"type":"hello","token":…} first; then answers; receives the run's broadcasts."""
    await socket.accept()
    language = language_of(socket)
    player = await _greeted_player(socket, language)
    if player is None:
        return
    run = await service.run_by_id(player.run)
    if run is None or run.status == RunStatus.FINISHED:
        # The run is over: the final standing, then close (no subscription to a finished run's channel).
        await _send(socket, (await service.player_view(player, clock.now())).message())
        await socket.close(code=CLOSE_FINISHED)
        return

    async def welcome() -> dict[str, Any]:
        return (await service.player_view(player, clock.now())).message()

    async def on_message(message: dict[str, Any]) -> None:
        if message.get("type") == "answer":
            await _answer(socket, message, player, clock, answer_counts, language)
        elif message.get("type") == "ping":
            await socket.send_data(PONG, mode="text")

    await relay_run(socket, fanout, [run_channel(player.run)], welcome, on_message, _forward_to_player(player.id))


# --- the host screen -------------------------------------------------------------------------------------------


def _same_origin(socket: WebSocket) -> bool:
    """Browsers send cookies with cross-site WebSocket handshakes: the host socket only answers its own pages."""
    origin = socket.headers.get("origin")
    if origin is None:
        return True  # not a browser
    host = socket.headers.get("host", "")
    return urlsplit(origin).netloc == host


def _forward_to_host(event: bytes, text: str) -> tuple[str | None, bool]:
    kind = kind_of(event)
    return (shared_text(event, kind) if kind in PERSONAL_FIELDS else text), kind == b"finished"


@websocket("/ws/quiz/host/{run_id:int}", opt={"csrf_free": True})
async def host_socket(socket: WebSocket, run_id: FromPath[int], fanout: FanoutDep, clock: ClockDep) -> None:
    """The host screen: the run's broadcasts plus lobby joins and answer counts. Host actions go through HTTP POST."""
    await socket.accept()
    user = user_of(socket)
    try:
        if user is None or not _same_origin(socket):
            raise Forbidden("Sign in first")
        run, quiz, _event = await service.run_for_host(run_id, user)
    except RuleViolation as exc:
        # Another organisation's run is refused exactly like a missing one; a viewer's role is too weak to host.
        await _send(socket, {"type": "refused", "reason": "not_found" if isinstance(exc, NotFound) else "forbidden"})
        await socket.close(code=CLOSE_REFUSED)
        return

    async def welcome() -> dict[str, Any]:
        current = await service.run_by_id(run_id)
        return (await service.host_view(current or run, quiz, clock.now())).message()

    async def on_message(message: dict[str, Any]) -> None:
        if message.get("type") == "ping":
            await socket.send_data(PONG, mode="text")

    await relay_run(socket, fanout, [run_channel(run_id), host_channel(run_id)], welcome, on_message, _forward_to_host)


SOCKETS = [play_socket, host_socket]
