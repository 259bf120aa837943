"""What travels on the live channels (the app's ChannelsPlugin: memory in one process, Redis across workers).
Each space has a room channel (`live:<id>`: what participants may see), a wall channel (`live-wall:<id>`: the
same, with counts and results at the wall's faster pace) and a moderators' channel (`live-mod:<id>`: also
pending questions and hidden results). Messages are JSON objects with "type" first."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency

from events.live import service
from events.live.tables import QuestionState

log = logging.getLogger("events.live")

ChannelsDep = NamedDependency[ChannelsPlugin]  # the app's ChannelsPlugin, by the name `channels`


def room_channel(space_id: int) -> str:
    return f"live:{space_id}"


def moderators_channel(space_id: int) -> str:
    return f"live-mod:{space_id}"


def wall_channel(space_id: int) -> str:
    """The wall's channel: what the room sees, but counts and results at the screens' fast pace."""
    return f"live-wall:{space_id}"


def publish(channels: ChannelsPlugin, names: list[str], message: dict[str, Any]) -> None:
    channels.publish(msgspec.json.encode(message), names)


def publish_question(channels: ChannelsPlugin, space_id: int, question: dict[str, Any]) -> None:
    """A new or changed question: to moderators always, to the room unless it waits for approval."""
    names = [moderators_channel(space_id)]
    if question["state"] != QuestionState.PENDING.value:
        names += [room_channel(space_id), wall_channel(space_id)]
    publish(channels, names, {"type": "question", "question": question})


def publish_question_votes(channels: ChannelsPlugin, names: list[str], counts: dict[int, int]) -> None:
    """The current votes of the questions that changed, in one small frame."""
    publish(channels, names,
            {"type": "question_votes", "counts": [{"id": qid, "votes": n} for qid, n in sorted(counts.items())]})


def publish_poll(channels: ChannelsPlugin, space_id: int, poll: dict[str, Any] | None, results: dict | None) -> None:
    """The poll that is now open (or null) and its results when the room may see them."""
    publish(channels, [room_channel(space_id), wall_channel(space_id)], {"type": "poll", "poll": poll, "results": results})
    publish(channels, [moderators_channel(space_id)], {"type": "poll", "poll": poll, "results": results})


def publish_results(channels: ChannelsPlugin, space_id: int, results: dict[str, Any], revealed: bool) -> None:
    """A moderator's move (reveal, hide a word): to every screen at once, the room only when revealed."""
    room = [room_channel(space_id), wall_channel(space_id)] if revealed else []
    _send_results(channels, [moderators_channel(space_id), *room], results)


def _send_results(channels: ChannelsPlugin, names: list[str], results: dict[str, Any]) -> None:
    publish(channels, names, {"type": "results", "results": results})


def publish_space(channels: ChannelsPlugin, space: dict[str, Any]) -> None:
    publish(channels, [room_channel(space["id"]), wall_channel(space["id"]), moderators_channel(space["id"])],
            {"type": "space", "is_open": space["is_open"]})


class LiveUpdates:
    """The worker's coalesced live frames: votes and poll responses are marked as they are stored, and at most every
    UPDATE_INTERVAL_S the counts of what changed are read from the database (one query per space for votes, one
    per poll for results) and published as one frame each. 500 votes a second are then a few frames a second to
    each wall and phone, not 500 each, and a count never comes from process memory: each frame is what the
    database holds at that moment, on whichever worker it is published. Frames of two workers may cross on their
    way (an older count arriving last), so SETTLE_S after a change the worker reads again and publishes once more
    if the count moved since its own last frame: every screen ends on the database's count.

    The wall and the moderators get these frames at that pace (their own channels); the phones, thousands of
    sockets, at most every ROOM_INTERVAL_S a worker, with the counts as the last read found them (5,000 phones on
    two workers at the wall's pace were 65,000 socket writes a second, which held votes to ~100 a second). The
    settle read reaches the phones too, so they also end on the database's count.

    A poll response waits for the next results (`responded`): its answer to the participant includes itself."""

    UPDATE_INTERVAL_S = 0.1
    ROOM_INTERVAL_S = 1.0
    SETTLE_S = 1.0
    REMEMBERED = 10_000  # last published counts kept (to skip settle frames that would change nothing)

    def __init__(self, channels: ChannelsPlugin) -> None:
        self.channels = channels
        self.questions: dict[int, set[int]] = {}  # space → questions whose votes changed
        self.polls: dict[int, dict[str, Any]] = {}  # poll id → poll row (whose results changed)
        self.waiting: dict[int, list[asyncio.Future]] = {}  # poll id → responses waiting for its results
        self.settling: list[tuple[float, dict[int, set[int]], dict[int, dict[str, Any]]]] = []
        self.sent_votes: dict[int, int] = {}
        self.sent_results: dict[int, dict[str, Any]] = {}
        self.room = RoomFrames()
        self.task: asyncio.Task | None = None

    def voted(self, space_id: int, question_id: int) -> None:
        self.questions.setdefault(space_id, set()).add(question_id)
        self._wake()

    async def responded(self, poll: dict[str, Any]) -> dict[str, Any]:
        """Marks the poll's results as changed; returns {"results", "revealed"} of the next update (which counts
        this response)."""
        future = asyncio.get_running_loop().create_future()
        self.polls[poll["id"]] = poll
        self.waiting.setdefault(poll["id"], []).append(future)
        self._wake()
        return await future

    def _wake(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self.questions or self.polls or self.settling or self.room.waiting():
            await asyncio.sleep(self.UPDATE_INTERVAL_S)
            questions, self.questions = self.questions, {}
            polls, self.polls = self.polls, {}
            waiting, self.waiting = self.waiting, {}
            now = time.monotonic()
            if questions or polls:
                self.settling.append((now + self.SETTLE_S, questions, polls))
            settle_questions: dict[int, set[int]] = {}
            settle_polls: dict[int, dict[str, Any]] = {}
            while self.settling and self.settling[0][0] <= now:
                _due, old_questions, old_polls = self.settling.pop(0)
                for space_id, ids in old_questions.items():
                    settle_questions.setdefault(space_id, set()).update(ids - questions.get(space_id, set()))
                settle_polls.update({pid: poll for pid, poll in old_polls.items() if pid not in polls})
            for space_id in questions.keys() | settle_questions.keys():
                await self._publish_votes(space_id, questions.get(space_id, set()), settle_questions.get(space_id, set()))
            for poll_id, poll in {**settle_polls, **polls}.items():
                await self._publish_results(poll, fresh=poll_id in polls, futures=waiting.get(poll_id, []))
            self.room.flush(self.channels, now, self.ROOM_INTERVAL_S)
            if len(self.sent_votes) > self.REMEMBERED or len(self.sent_results) > self.REMEMBERED:
                self.sent_votes.clear()
                self.sent_results.clear()
                self.room.forget()

    async def _publish_votes(self, space_id: int, fresh: set[int], settling: set[int]) -> None:
        try:
            counts = await service.vote_counts(sorted(fresh | settling))
            changed = {qid: n for qid, n in counts.items() if qid in fresh or self.sent_votes.get(qid) != n}
            if changed:
                publish_question_votes(self.channels, [wall_channel(space_id), moderators_channel(space_id)], changed)
                self.sent_votes.update(changed)
            self.room.votes_read(space_id, counts)
        except Exception:  # noqa: BLE001 - a lost frame only delays the screens; the settle or a welcome has it
            log.exception("publishing the votes of live space %s failed", space_id)

    async def _publish_results(self, poll: dict[str, Any], fresh: bool, futures: list[asyncio.Future]) -> None:
        try:
            current = await service.poll_by_id(poll["id"]) or poll
            results = await service.results(current)
            space_id = current["space"]
            if fresh or self.sent_results.get(poll["id"]) != results:
                names = [moderators_channel(space_id)] + ([wall_channel(space_id)] if current["revealed"] else [])
                _send_results(self.channels, names, results)
                self.sent_results[poll["id"]] = results
            if current["revealed"]:
                self.room.results_read(space_id, poll["id"], results)
            outcome: dict[str, Any] | Exception = {"results": results, "revealed": current["revealed"]}
        except Exception as failed:  # noqa: BLE001 - the responses are stored; their answers hear about it
            log.exception("publishing the results of live poll %s failed", poll["id"])
            outcome = failed
        for future in futures:
            if future.done():
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


class RoomFrames:
    """What the phones (the room channel) have not seen yet, sent together at most every interval: the last counts
    read of each space's questions and the last results of each revealed poll."""

    def __init__(self) -> None:
        self.votes: dict[int, dict[int, int]] = {}  # space → question → votes, not yet sent to the room
        self.results: dict[int, tuple[int, dict[str, Any]]] = {}  # poll → (space, results), not yet sent
        self.sent_votes: dict[int, int] = {}
        self.sent_results: dict[int, dict[str, Any]] = {}
        self.next_at = 0.0

    def waiting(self) -> bool:
        return bool(self.votes or self.results)

    def votes_read(self, space_id: int, counts: dict[int, int]) -> None:
        for question_id, votes in counts.items():
            if self.sent_votes.get(question_id) != votes:
                self.votes.setdefault(space_id, {})[question_id] = votes
            else:
                self.votes.get(space_id, {}).pop(question_id, None)

    def results_read(self, space_id: int, poll_id: int, results: dict[str, Any]) -> None:
        if self.sent_results.get(poll_id) != results:
            self.results[poll_id] = (space_id, results)
        else:
            self.results.pop(poll_id, None)

    def flush(self, channels: ChannelsPlugin, now: float, interval: float) -> None:
        if now < self.next_at or not self.waiting():
            return
        votes, self.votes = self.votes, {}
        results, self.results = self.results, {}
        for space_id, counts in votes.items():
            if counts:
                publish_question_votes(channels, [room_channel(space_id)], counts)
                self.sent_votes.update(counts)
        for poll_id, (space_id, shown) in results.items():
            _send_results(channels, [room_channel(space_id)], shown)
            self.sent_results[poll_id] = shown
        self.next_at = now + interval

    def forget(self) -> None:
        self.sent_votes.clear()
        self.sent_results.clear()


LiveUpdatesDep = NamedDependency[LiveUpdates]  # the worker's coalesced frames, kept by LivePlugin
