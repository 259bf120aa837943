"""The live space's socket, `/ws/live/{code}`: participants' phones, the wall and the moderator's screen.

The client's first message is {"type":"hello","token":…} (a participant token, or null for the wall). The server
answers with "welcome" (the whole current state, read from the database: a reconnect finds its votes again), then
relays the space's broadcasts (`broadcasts`). A signed-in editor of the event's organisation (same origin) gets
the moderators' channel instead (pending questions, hidden results). Everything a client changes goes through the HTTP API; the socket only reads, and answers
{"type":"ping"} with {"type":"pong"}. The protocol is in README.md ("Live protocol")."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from events.kernel.errors import RuleViolation
from events.live import service
from events.live.broadcasts import moderators_channel, room_channel, wall_channel
from events.live.routes.api import space_json
from events.web.auth import user_of
from events.web.fanout import FanoutDep

HELLO_TIMEOUT_S = 15
MAX_MESSAGE_BYTES = 2048
CLOSE_REFUSED = 4403
PONG = '{"type":"pong"}'


async def _receive(socket: WebSocket) -> Any:
    raw = await socket.receive_data(mode="text")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ValueError("message too large")
    return msgspec.json.decode(raw)


def _same_origin(socket: WebSocket) -> bool:
    origin = socket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == socket.headers.get("host", "")


async def welcome(space: dict[str, Any], participant: dict[str, Any] | None, moderator: bool) -> dict[str, Any]:
    """The current state of the space for this client, straight from the database."""
    current = await service.space_by_id(space["id"])
    poll = await service.open_poll_of(current)
    results = await service.results(poll) if poll and (poll["revealed"] or moderator) else None
    you = None
    if participant is not None:
        you = {"participant_id": participant["id"], "name": participant["name"],
               "votes": await service.votes_by(participant["id"]),
               "responded": await service.responded_by(participant["id"])}
    return {
        "type": "welcome", "role": "moderator" if moderator else ("participant" if participant else "wall"),
        "space": space_json(current), "questions": await service.questions_of(current, moderator=moderator),
        "poll": service.poll_view(poll) if poll else None, "results": results, "you": you,
    }


async def _greet(socket: WebSocket, code: str) -> tuple[dict, dict | None, bool] | None:
    try:
        hello = await asyncio.wait_for(_receive(socket), HELLO_TIMEOUT_S)
        if not isinstance(hello, dict) or hello.get("type") != "hello":
            raise ValueError("hello expected")
        space = await service.space_by_code(code, must_be_open=False)
        token = hello.get("token")
        participant = await service.participant_of(space, token) if token else None
    except (TimeoutError, WebSocketDisconnect, msgspec.DecodeError, ValueError, RuleViolation) as refused:
        reason = "unknown" if isinstance(refused, RuleViolation) else "hello_expected"
        with contextlib.suppress(Exception):
            await socket.send_data(msgspec.json.encode({"type": "refused", "reason": reason}).decode(), mode="text")
            await socket.close(code=CLOSE_REFUSED)
        return None
    moderator = _same_origin(socket) and await service.may_moderate(space, user_of(socket))
    return space, participant, moderator


def _forward(_event: bytes, text: str) -> tuple[str | None, bool]:
    return text, False  # everyone on a channel sees all of it (the moderators have their own channel)


@websocket("/ws/live/{code:str}", opt={"csrf_free": True})  # the session names a moderator
async def live_socket(socket: WebSocket, code: FromPath[str], fanout: FanoutDep) -> None:
    await socket.accept()
    greeted = await _greet(socket, code)
    if greeted is None:
        return
    space, participant, moderator = greeted
    # Everything the room sees also goes to the wall's and the moderators' channels, each socket listens to one; the
    # wall's and the moderators' counts come at the screens' faster pace (events.live.broadcasts.LiveUpdates).
    if moderator:
        names = [moderators_channel(space["id"])]
    else:
        names = [room_channel(space["id"]) if participant else wall_channel(space["id"])]

    try:
        # The worker's hub writes the space's frames to this socket (events.web.fanout); frames that arrive while
        # the welcome is read wait in its backlog, so none falls between the two.
        async with fanout.listen(socket, names, _forward) as listener:
            await socket.send_data(msgspec.json.encode(await welcome(space, participant, moderator)).decode(),
                                   mode="text")
            await fanout.start(listener)
            while True:
                try:
                    message = await _receive(socket)
                except (msgspec.DecodeError, ValueError):
                    continue
                if isinstance(message, dict) and message.get("type") == "ping":
                    await socket.send_data(PONG, mode="text")
    except WebSocketDisconnect:
        pass


SOCKETS = [live_socket]
