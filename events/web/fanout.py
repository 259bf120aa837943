"""Fan-out of channel broadcasts to a worker's WebSockets without a queue and a task per socket.

Litestar's `ChannelsPlugin.start_subscription` gives every socket its own subscriber: a queue and a task that
wakes up for each message. With 2,500 phones per worker one broadcast meant 2,500 queue puts, 2,500 task
switches and 2,500 decodes. Here each worker holds one subscription per channel (the hub), and a broadcast is
decoded once and written to every local socket of the channel in one loop, in the order it arrived.

Writing does not wait for a socket: uvicorn's `send` finishes without suspending while the connection takes data
(the usual case), so the hub steps each send once by hand. Only a socket whose send has to wait (the client reads
too slowly and the transport buffer is full) gets a task that finishes it; frames for that socket queue behind it
(at most `max_backlog`), and a socket that falls further behind is closed with 1013 ("try again later": its client
reconnects and reads the whole state again). Nothing here is needed for correctness: every count is in the
database, and a welcome after subscribing gives a socket the state it may have missed.

A socket listens with `async with fanout.listen(socket, names, forward) as listener:`, sends its welcome, then
`await fanout.start(listener)`; until then, frames wait in the listener's backlog (so none falls between the
subscription and the welcome). `forward(event, text)` says what this socket gets of a broadcast (the text to send,
or None to skip it) and whether to close the socket afterwards (`listener.close_code`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from litestar import WebSocket
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.di import NamedDependency

log = logging.getLogger("events.fanout")

Forward = Callable[[bytes, str], tuple[str | None, bool]]
CLOSE_TOO_SLOW = 1013  # "try again later"
MAX_BACKLOG = 64
STRIDE = 100  # sockets written between two chances for the loop's other work
_CLOSE = object()  # a backlog entry: close the socket once the frames before it are out


class Listener:
    """One socket's part in the hub: how it sees broadcasts, and the frames waiting for it (None: none wait)."""

    __slots__ = ("backlog", "close_code", "forward", "gone", "socket")

    def __init__(self, socket: WebSocket, forward: Forward, close_code: int) -> None:
        self.socket = socket
        self.forward = forward
        self.close_code = close_code
        self.backlog: deque[Any] | None = deque()  # held until `start` (the welcome is out)
        self.gone = False


async def _resume(coroutine: Coroutine[Any, Any, Any], waiting: Any) -> None:
    """Runs a coroutine that already suspended once (on `waiting`) to its end, as a Task would have."""
    while True:
        if waiting is None:
            await asyncio.sleep(0)
        else:
            # What a Task does with a future its coroutine yielded: take it over (unmark it), then wait for it.
            waiting._asyncio_future_blocking = False
            with contextlib.suppress(BaseException):  # the coroutine reads the future's outcome itself
                await waiting
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return


class Fanout:
    """The worker's hub: one channel subscription per channel that local sockets listen to."""

    def __init__(self, channels: ChannelsPlugin, max_backlog: int = MAX_BACKLOG) -> None:
        self.channels = channels
        self.max_backlog = max_backlog
        self.groups: dict[str, set[Listener]] = {}
        self.pumps: dict[str, tuple[Subscriber, asyncio.Task]] = {}
        self.locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self.background: set[asyncio.Task] = set()

    @property
    def lock(self) -> asyncio.Lock:
        """Subscribing and unsubscribing never interleave (they race upstream, issue #4894); one lock per event
        loop, as tests run one app in more than one."""
        return self.locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def close(self) -> None:
        """At shutdown: the pumps stop (the sockets' handlers end on their own)."""
        for _subscriber, pump in list(self.pumps.values()):
            pump.cancel()
        self.pumps.clear()
        self.groups.clear()

    @contextlib.asynccontextmanager
    async def listen(
        self, socket: WebSocket, names: list[str], forward: Forward, close_code: int = 1000,
    ) -> AsyncIterator[Listener]:
        listener = Listener(socket, forward, close_code)
        for name in names:
            await self._join(name, listener)
        try:
            yield listener
        finally:
            listener.gone = True
            for name in names:
                await self._leave(name, listener)

    async def start(self, listener: Listener) -> None:
        """Sends what arrived while the socket was being welcomed; from now on broadcasts go straight out."""
        while listener.backlog:
            item = listener.backlog.popleft()
            if item is _CLOSE:
                await self._close(listener, listener.close_code)
                return
            await listener.socket.send({"type": "websocket.send", "bytes": None, "text": item})
        listener.backlog = None

    async def _join(self, name: str, listener: Listener) -> None:
        async with self.lock:
            group = self.groups.get(name)
            if group is None:
                subscriber = await self.channels.subscribe([name])
                group = self.groups[name] = set()
                self.pumps[name] = (subscriber, asyncio.create_task(self._pump(name, subscriber)))
            group.add(listener)

    async def _leave(self, name: str, listener: Listener) -> None:
        async with self.lock:
            group = self.groups.get(name)
            if group is None:
                return
            group.discard(listener)
            if group:
                return
            del self.groups[name]
            subscriber, pump = self.pumps.pop(name)
            pump.cancel()
            with contextlib.suppress(Exception):
                await self.channels.unsubscribe(subscriber)
            _release(self.channels, name)

    async def _pump(self, name: str, subscriber: Subscriber) -> None:
        async for event in subscriber.iter_events():
            try:
                await self.deliver(name, event)
            except Exception:
                log.exception("fan-out on %s failed", name)

    async def deliver(self, name: str, event: bytes) -> None:
        """One broadcast to every local socket of the channel: decoded once, written in one loop that lets the
        worker's other work (an answer, a vote) in every `STRIDE` sockets, so a frame to 2,500 phones never holds
        the loop for its whole length. The next broadcast of the channel waits for this one: order holds."""
        text = event.decode()
        for index, listener in enumerate(tuple(self.groups.get(name, ())), start=1):
            if index % STRIDE == 0:
                await asyncio.sleep(0)
            if listener.gone:
                continue
            try:
                out, close = listener.forward(event, text)
            except Exception:  # one socket's view of a frame never costs the others theirs
                log.exception("forwarding a frame on %s failed", name)
                continue
            if out is not None:
                self._write(listener, out)
            if close:
                self._queue_close(listener)

    def _write(self, listener: Listener, text: str) -> None:
        if listener.backlog is not None:  # still being welcomed, or a send of it still waits
            if len(listener.backlog) >= self.max_backlog:
                self._drop(listener)
            else:
                listener.backlog.append(text)
            return
        sending = listener.socket.send({"type": "websocket.send", "bytes": None, "text": text})
        try:
            waiting = sending.send(None)
        except StopIteration:
            return  # written: the usual case
        except Exception:  # noqa: BLE001 - the client left; its handler ends the listener
            listener.gone = True
            return
        listener.backlog = deque()
        self._spawn(self._finish(listener, sending, waiting))

    async def _finish(self, listener: Listener, sending: Coroutine[Any, Any, Any], waiting: Any) -> None:
        """A slow socket: finish the send that had to wait, then the frames that queued behind it."""
        try:
            await _resume(sending, waiting)
            await self.start(listener)
        except Exception:  # noqa: BLE001 - the client left
            log.debug("a slow socket's send failed", exc_info=True)
            listener.gone = True

    def _queue_close(self, listener: Listener) -> None:
        if listener.backlog is not None:
            listener.backlog.append(_CLOSE)
        else:
            listener.gone = True
            self._spawn(self._close(listener, listener.close_code))

    def _drop(self, listener: Listener) -> None:
        log.info("closing a socket that fell %d frames behind", self.max_backlog)
        listener.gone = True
        listener.backlog = deque()
        self._spawn(self._close(listener, CLOSE_TOO_SLOW))

    async def _close(self, listener: Listener, code: int) -> None:
        listener.gone = True
        with contextlib.suppress(Exception):
            await listener.socket.close(code=code)

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    def channel_names(self) -> list[str]:
        return list(self.groups)


def _release(channels: ChannelsPlugin, name: str) -> None:
    """Drops a channel entry nobody listens to any more (Litestar keeps them otherwise, upstream issue #4867)."""
    registry: dict[str, set] = channels._channels  # noqa: SLF001 - no public API for this yet
    if name in registry and not registry[name]:
        registry.pop(name, None)


FanoutDep = NamedDependency[Fanout]  # how a socket handler names it: `fanout: FanoutDep`



def fanout_lifespan(fanout: Fanout):
    """The app's lifespan part that stops the hub's pumps at shutdown."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await fanout.close()

    return lifespan
