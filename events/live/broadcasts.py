"""What travels on the live channels (the app's ChannelsPlugin: memory in one process, Redis across workers).
Each space has a room channel (`live:<id>`: what participants and the wall may see) and a moderators' channel
(`live-mod:<id>`: also pending questions and hidden results). Messages are JSON objects with "type" first."""

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


def publish(channels: ChannelsPlugin, names: list[str], message: dict[str, Any]) -> None:
    channels.publish(msgspec.json.encode(message), names)


def publish_question(channels: ChannelsPlugin, space_id: int, question: dict[str, Any]) -> None:
    """A new or changed question: to moderators always, to the room unless it waits for approval."""
    names = [moderators_channel(space_id)]
    if question["state"] != QuestionState.PENDING.value:
        names.append(room_channel(space_id))
    publish(channels, names, {"type": "question", "question": question})


def publish_question_votes(channels: ChannelsPlugin, space_id: int, counts: dict[int, int]) -> None:
    """The current votes of the questions that changed, in one small frame."""
    publish(channels, [room_channel(space_id), moderators_channel(space_id)],
            {"type": "question_votes", "counts": [{"id": qid, "votes": n} for qid, n in sorted(counts.items())]})


def publish_poll(channels: ChannelsPlugin, space_id: int, poll: dict[str, Any] | None, results: dict | None) -> None:
    """The poll that is now open (or null) and its results when the room may see them."""
    publish(channels, [room_channel(space_id)], {"type": "poll", "poll": poll, "results": results})
    publish(channels, [moderators_channel(space_id)], {"type": "poll", "poll": poll, "results": results})


def publish_results(channels: ChannelsPlugin, space_id: int, results: dict[str, Any], revealed: bool) -> None:
    names = [moderators_channel(space_id)] + ([room_channel(space_id)] if revealed else [])
    publish(channels, names, {"type": "results", "results": results})


def publish_space(channels: ChannelsPlugin, space: dict[str, Any]) -> None:
    publish(channels, [room_channel(space["id"]), moderators_channel(space["id"])],
            {"type": "space", "is_open": space["is_open"]})


class LiveUpdates:
    """The worker's coalesced live frames: votes and poll responses are marked as they are stored, and at most every
    UPDATE_INTERVAL_S the counts of what changed are read from the database (one query per space for votes, one
    per poll for results) and published as one frame each. 500 votes a second are then a few frames a second to
    each wall and phone, not 500 each, and a count never comes from process memory: each frame is what the
    database holds at that moment, on whichever worker it is published. Frames of two workers may cross on their
    way (an older count arriving last), so SETTLE_S after a change the worker reads again and publishes once more
    if the count moved since its own last frame: every screen ends on the database's count.

    A poll response waits for the next results (`responded`): its answer to the participant includes itself."""

    UPDATE_INTERVAL_S = 0.15
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
        while self.questions or self.polls or self.settling:
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
            if len(self.sent_votes) > self.REMEMBERED or len(self.sent_results) > self.REMEMBERED:
                self.sent_votes.clear()
                self.sent_results.clear()

    async def _publish_votes(self, space_id: int, fresh: set[int], settling: set[int]) -> None:
        try:
            counts = await service.vote_counts(sorted(fresh | settling))
            changed = {qid: n for qid, n in counts.items() if qid in fresh or self.sent_votes.get(qid) != n}
            if changed:
                publish_question_votes(self.channels, space_id, changed)
                self.sent_votes.update(changed)
        except Exception:  # noqa: BLE001 - a lost frame only delays the screens; the settle or a welcome has it
            log.exception("publishing the votes of live space %s failed", space_id)

    async def _publish_results(self, poll: dict[str, Any], fresh: bool, futures: list[asyncio.Future]) -> None:
        try:
            current = await service.poll_by_id(poll["id"]) or poll
            results = await service.results(current)
            if fresh or self.sent_results.get(poll["id"]) != results:
                publish_results(self.channels, current["space"], results, current["revealed"])
                self.sent_results[poll["id"]] = results
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


LiveUpdatesDep = NamedDependency[LiveUpdates]  # the worker's coalesced frames, kept by LivePlugin
