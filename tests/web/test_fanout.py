"""The worker's fan-out hub (events/web/fanout.py): one subscription per channel, frames written to every socket in
order without a task per socket, frames held back until the welcome is out, a slow socket neither stalls the others
nor loses order, and one that falls too far behind is closed with 1013."""

from __future__ import annotations

import asyncio

from events.web.fanout import CLOSE_TOO_SLOW, Fanout


class FakeSubscriber:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()

    async def iter_events(self):
        while True:
            yield await self.queue.get()


class FakeChannels:
    """What the hub uses of Litestar's ChannelsPlugin; counts subscriptions."""

    def __init__(self) -> None:
        self.subscribers: list[FakeSubscriber] = []
        self._channels: dict[str, set] = {}
        self.unsubscribed = 0

    async def subscribe(self, names: list[str]) -> FakeSubscriber:
        subscriber = FakeSubscriber()
        self.subscribers.append(subscriber)
        for name in names:
            self._channels.setdefault(name, set()).add(subscriber)
        return subscriber

    async def unsubscribe(self, subscriber: FakeSubscriber) -> None:
        self.unsubscribed += 1
        for group in self._channels.values():
            group.discard(subscriber)

    def publish(self, data: bytes) -> None:
        for subscriber in self.subscribers:
            subscriber.queue.put_nowait(data)


class FakeSocket:
    """An ASGI send that finishes at once, unless `blocked` (a client that stopped reading)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.closed: int | None = None
        self.blocked: asyncio.Event | None = None
        self.tasks_seen: set[asyncio.Task | None] = set()

    async def send(self, message: dict) -> None:
        if self.blocked is not None:
            await self.blocked.wait()
        self.tasks_seen.add(asyncio.current_task())
        self.texts.append(message["text"])

    async def close(self, code: int = 1000) -> None:
        self.closed = code


def everything(_event: bytes, text: str) -> tuple[str | None, bool]:
    return text, False


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_one_subscription_per_channel_frames_in_order_without_a_task_per_socket():
    channels = FakeChannels()
    hub = Fanout(channels)
    sockets = [FakeSocket() for _ in range(50)]
    async with contextlib_all(hub, sockets, ["room"]) as listeners:
        for listener in listeners:
            await hub.start(listener)
        assert len(channels.subscribers) == 1  # fifty sockets, one subscription
        for n in range(3):
            channels.publish(b'{"type":"n","n":%d}' % n)
        await settle()
        assert all(s.texts == ['{"type":"n","n":0}', '{"type":"n","n":1}', '{"type":"n","n":2}'] for s in sockets)
        # every write ran inside the hub's one pump task: no task (nor queue) per socket
        assert len(set().union(*(s.tasks_seen for s in sockets))) == 1
    assert channels.unsubscribed == 1 and channels._channels == {}  # the last one out ends the subscription


async def test_frames_wait_until_the_welcome_is_out():
    channels = FakeChannels()
    hub = Fanout(channels)
    socket = FakeSocket()
    async with hub.listen(socket, ["room"], everything) as listener:
        channels.publish(b'{"type":"a"}')
        await settle()
        assert socket.texts == []  # the welcome is still being read
        await socket.send({"text": "welcome"})
        await hub.start(listener)
        channels.publish(b'{"type":"b"}')
        await settle()
        assert socket.texts == ["welcome", '{"type":"a"}', '{"type":"b"}']


async def test_a_slow_socket_stalls_nobody_keeps_its_order_and_is_closed_when_too_far_behind():
    channels = FakeChannels()
    hub = Fanout(channels, max_backlog=3)
    slow, quick = FakeSocket(), FakeSocket()
    async with contextlib_all(hub, [slow, quick], ["room"]) as listeners:
        for listener in listeners:
            await hub.start(listener)
        slow.blocked = asyncio.Event()
        for n in range(3):
            channels.publish(b"%d" % n)
        await settle()
        assert quick.texts == ["0", "1", "2"] and slow.texts == []  # the quick one did not wait
        slow.blocked.set()
        slow.blocked = None
        await settle()
        assert slow.texts == ["0", "1", "2"]  # caught up, in order

        slow.blocked = asyncio.Event()  # stops reading for good
        for n in range(3, 9):
            channels.publish(b"%d" % n)
        await settle()
        assert quick.texts[-1] == "8"
        assert slow.closed == CLOSE_TOO_SLOW  # one frame in flight and three waiting: the fifth was too many


async def test_a_forward_may_skip_frames_and_close_the_socket_after_one():
    channels = FakeChannels()
    hub = Fanout(channels)
    socket = FakeSocket()

    def forward(event: bytes, text: str) -> tuple[str | None, bool]:
        return (None, False) if event == b"other" else (text, event == b"last")

    async with hub.listen(socket, ["room"], forward, close_code=4000) as listener:
        await hub.start(listener)
        for event in (b"first", b"other", b"last", b"after"):
            channels.publish(event)
        await settle()
        assert socket.texts == ["first", "last"] and socket.closed == 4000


class contextlib_all:  # noqa: N801 - reads like the context manager it is
    """Many sockets listening at once."""

    def __init__(self, hub: Fanout, sockets: list[FakeSocket], names: list[str]) -> None:
        self.managers = [hub.listen(socket, names, everything) for socket in sockets]

    async def __aenter__(self):
        return [await manager.__aenter__() for manager in self.managers]

    async def __aexit__(self, *exc):
        for manager in self.managers:
            await manager.__aexit__(*exc)


async def test_a_failing_forward_costs_only_its_own_socket_the_frame():
    channels = FakeChannels()
    hub = Fanout(channels)
    broken, fine = FakeSocket(), [FakeSocket() for _ in range(10)]  # some of them come after it in the loop

    def refuse(_event: bytes, _text: str) -> tuple[str | None, bool]:
        raise ValueError("a bug in one socket's view")

    async with hub.listen(broken, ["room"], refuse) as first, contextlib_all(hub, fine, ["room"]) as others:
        for listener in (first, *others):
            await hub.start(listener)
        channels.publish(b"frame")
        await settle()
        assert broken.texts == [] and all(s.texts == ["frame"] for s in fine)


async def test_a_long_broadcast_lets_other_work_in_and_keeps_each_sockets_order(monkeypatch):
    """Every STRIDE sockets the hub gives the loop a turn (a vote's answer, an ack), and the next frame of the
    channel still comes after the first on every socket."""
    from events.web import fanout

    monkeypatch.setattr(fanout, "STRIDE", 3)
    channels = FakeChannels()
    hub = Fanout(channels)
    sockets = [FakeSocket() for _ in range(10)]
    written_when: list[int] = []

    async def other_work() -> None:
        for _ in range(20):
            written_when.append(sum(len(s.texts) for s in sockets))
            await asyncio.sleep(0)

    async with contextlib_all(hub, sockets, ["room"]) as listeners:
        for listener in listeners:
            await hub.start(listener)
        channels.publish(b'{"type":"n","n":0}')
        channels.publish(b'{"type":"n","n":1}')
        await asyncio.gather(other_work(), settle())
        await settle()
        assert all(s.texts == ['{"type":"n","n":0}', '{"type":"n","n":1}'] for s in sockets)
        assert any(0 < seen < 20 for seen in written_when)  # the other task ran while the frames were going out
