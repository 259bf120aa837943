"""A live room at crowd size: votes decided by one statement even while the space and the token are remembered,
and coalesced frames whose counts come from the database (never from a worker's memory)."""

from __future__ import annotations

import asyncio
import time

from events.live import broadcasts, service
from events.live.broadcasts import LiveUpdates
from events.live.tables import Question, Vote
from tests.conftest import NOW
from tests.live.conftest import join, token_header


async def _ask(client, space: dict, token: dict, text: str) -> int:
    asked = await client.post(f"/api/live/{space['code']}/questions", json={"text": text}, headers=token_header(token))
    assert asked.status_code == 201, asked.text
    return asked.json()["id"]


async def test_a_closed_space_refuses_votes_and_answers_though_this_worker_remembers_it_open(client, space, bearer):
    voter = await join(client, space["code"])
    first, second = await _ask(client, space, voter, "Eerste"), await _ask(client, space, voter, "Tweede")
    vote = f"/api/live/{space['code']}/questions/{{}}/vote"
    assert (await client.post(vote.format(first), headers=token_header(voter))).status_code == 200  # now remembered
    base = f"/api/live/spaces/{space['id']}/polls"
    poll = (await client.post(base, json={"kind": "scale", "question": "Cijfer?", "options": [5]}, headers=bearer)).json()
    await client.post(f"{base}/{poll['id']}/open", headers=bearer)

    await service.set_open(space["id"], False)  # as another worker would: this one's memory still says open
    refused = await client.post(vote.format(second), headers=token_header(voter))
    assert refused.status_code == 409 and refused.json()["detail"] == "This live space is closed"
    assert (await client.delete(vote.format(first), headers=token_header(voter))).status_code == 409
    answer = await client.post(f"/api/live/{space['code']}/polls/{poll['id']}/responses", json={"answer": 4},
                               headers=token_header(voter))
    assert answer.status_code == 409
    assert await Vote.count() == 1


async def test_votes_on_hidden_pending_or_foreign_questions_are_404(client, space, event, bearer):
    voter = await join(client, space["code"])
    hidden = await _ask(client, space, voter, "Verborgen")
    await Question.update({Question.state: "hidden"}).where(Question.id == hidden)
    pending = await _ask(client, space, voter, "Wacht")
    await Question.update({Question.state: "pending"}).where(Question.id == pending)
    other = await service.set_open((await service.create_space(event, None))["id"], True)
    foreign = await _ask(client, other, await join(client, other["code"]), "Andere zaal")
    for question_id in (hidden, pending, foreign, 999_999):
        answer = await client.post(f"/api/live/{space['code']}/questions/{question_id}/vote", headers=token_header(voter))
        assert answer.status_code == 404, (question_id, answer.text)
    # a token of another space is refused there, also once remembered here
    assert (await client.get(f"/api/live/{space['code']}/questions", headers=token_header(voter))).status_code == 200
    assert (await client.post(f"/api/live/{other['code']}/questions/{foreign}/vote",
                              headers=token_header(voter))).status_code == 401
    assert await Vote.count() == 0


class RecordingChannels:
    def __init__(self) -> None:
        self.frames: list[tuple[bytes, list[str]]] = []

    def publish(self, data: bytes, channels: list[str]) -> None:
        self.frames.append((data, channels))

    def kinds(self, kind: bytes, channel: str | None = None) -> list[bytes]:
        """The frames of this kind (published to `channel`, when given)."""
        return [data for data, names in self.frames
                if data.startswith(b'{"type":"' + kind) and (channel is None or channel in names)]


def quick(updates: LiveUpdates) -> LiveUpdates:
    updates.UPDATE_INTERVAL_S, updates.ROOM_INTERVAL_S, updates.SETTLE_S = 0.05, 0.25, 0.6
    return updates


async def test_a_burst_of_votes_is_a_few_frames_with_the_database_count(space):
    asker = (await service.join(space, None))[1]
    question = await service.ask(space, asker, "Hoe?", None)
    channels = RecordingChannels()
    updates = quick(LiveUpdates(channels))
    voters = [(await service.join(space, None))[1] for _ in range(40)]

    async def vote(voter: dict) -> None:
        await service.vote(space, voter, question["id"])
        updates.voted(space["id"], question["id"])

    started = time.monotonic()
    await asyncio.gather(*(vote(v) for v in voters))
    burst_s = time.monotonic() - started
    await asyncio.sleep(1.0)
    wall, room = broadcasts.wall_channel(space["id"]), broadcasts.room_channel(space["id"])
    frames = channels.kinds(b"question_votes", wall)
    # the wall and the moderators: at most one frame per interval while the votes came in (and the last one)
    assert 1 <= len(frames) <= min(39, burst_s / updates.UPDATE_INTERVAL_S + 2), (len(frames), burst_s)
    final = b'{"type":"question_votes","counts":[{"id":%d,"votes":40}]}' % question["id"]
    assert frames[-1] == final
    assert channels.kinds(b"question_votes", broadcasts.moderators_channel(space["id"])) == frames
    # the phones: at most one frame per room interval, ending on the same count
    phones = channels.kinds(b"question_votes", room)
    assert 1 <= len(phones) <= burst_s / updates.ROOM_INTERVAL_S + 2 and phones[-1] == final, (len(phones), burst_s)
    assert not any(room in names and wall in names for data, names in channels.frames if b'question_votes' in data)

    # Another worker's vote (not marked here) changes the count: this worker's settle frame brings every screen to
    # it; a settle that would change nothing sends nothing.
    sent, sent_to_phones = len(frames), len(phones)
    await service.vote(space, (await service.join(space, None))[1], question["id"])
    updates.voted(space["id"], question["id"])
    await asyncio.sleep(0.3)
    assert channels.kinds(b"question_votes", wall)[-1].endswith(b'"votes":41}]}')
    await Vote.delete().where(Vote.id == (await Vote.select(Vote.id).first())["id"])  # elsewhere, after our frame
    await asyncio.sleep(1.0)
    frames = channels.kinds(b"question_votes", wall)
    assert frames[-1].endswith(b'"votes":40}]}') and len(frames) == sent + 2  # the fresh one (41), then the settle
    phones = channels.kinds(b"question_votes", room)
    assert phones[-1].endswith(b'"votes":40}]}') and len(phones) <= sent_to_phones + 2
    await asyncio.sleep(0.6)
    assert len(channels.kinds(b"question_votes", wall)) == sent + 2  # settled: nothing more
    assert channels.kinds(b"question_votes", room) == phones


async def test_a_response_hears_results_that_count_it(space):
    poll = await service.create_poll(space, "choice", "Welke?", ["A", "B"])
    await service.move(space, poll["id"], "open")
    channels = RecordingChannels()
    updates = quick(LiveUpdates(channels))
    people = [(await service.join(space, None))[1] for _ in range(5)]

    async def answer(person: dict, choice: int) -> dict:
        stored = await service.respond(space, person, poll["id"], [choice], NOW)
        return await updates.responded(stored)

    answers = await asyncio.gather(*(answer(p, i % 2) for i, p in enumerate(people)))
    assert all(a["results"]["responses"] == 5 and a["revealed"] for a in answers)
    assert [c["count"] for c in answers[0]["results"]["counts"]] == [3, 2]
    assert len(channels.kinds(b"results", broadcasts.wall_channel(space["id"]))) == 1  # five responses, one frame
    await asyncio.sleep(0.4)
    assert len(channels.kinds(b"results", broadcasts.room_channel(space["id"]))) == 1  # and one to the phones
