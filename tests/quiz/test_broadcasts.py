"""What travels on a run's channels: the per-player view of broadcasts that carry everyone's entries, and the
host's answer counts."""

import json

import msgspec

from events.quiz import broadcasts


def test_a_phone_gets_only_its_own_entry_and_the_broadcast_is_decoded_once_per_worker(monkeypatch):
    ranks = {str(player_id): [player_id, 10_000 - player_id] for player_id in range(1, 5001)}
    event = msgspec.json.encode({"type": "leaderboard", "run_id": 3, "top": [{"rank": 1, "nickname": "Anna", "score": 9999}],
                                 "ranks": ranks, "players": 5000})
    decodes = []
    real_decode = broadcasts._decode
    monkeypatch.setattr(broadcasts, "_decode", lambda raw: decodes.append(1) or real_decode(raw))
    broadcasts._split_cache.clear()

    texts = [broadcasts.personal_text(event, b"leaderboard", player_id) for player_id in (7, 4000, 99999)]
    mine, other, stranger = (json.loads(text) for text in texts)
    assert mine == {"type": "leaderboard", "run_id": 3, "top": [{"rank": 1, "nickname": "Anna", "score": 9999}],
                    "players": 5000, "you": {"rank": 7, "score": 9993}}
    assert other["you"] == {"rank": 4000, "score": 6000}
    assert stranger["you"] is None  # a removed player has no entry
    assert max(len(text) for text in texts) < 200  # not the 100 KB of everyone's ranks
    assert len(decodes) == 1

    host = json.loads(broadcasts.shared_text(event, b"leaderboard"))
    assert "ranks" not in host and "you" not in host and host["top"][0]["nickname"] == "Anna"


def test_reveal_points_and_messages_without_entries_pass_unchanged():
    event = msgspec.json.encode({"type": "reveal", "run_id": 1, "question_id": 5, "points": {"2": 640}})
    assert json.loads(broadcasts.personal_text(event, b"reveal", 2))["you"] == {"points": 640}
    assert json.loads(broadcasts.personal_text(event, b"reveal", 3))["you"] is None
    question = msgspec.json.encode({"type": "question", "run_id": 1, "question_id": 6})
    assert broadcasts.shared_text(question, b"question") == question.decode()


async def test_answer_counts_reach_the_host_as_a_few_counted_messages(monkeypatch):
    published = []

    class Channels:
        async def wait_published(self, data, channels):
            published.append((channels, json.loads(data)))

    monkeypatch.setattr(broadcasts, "ANSWER_COUNT_INTERVAL_S", 0.05)
    counts = broadcasts.AnswerCounts(Channels())
    for _ in range(250):
        counts.add(7, 70)
    counts.add(7, 71)
    counts.add(8, 80)
    await counts.task
    assert sorted(published, key=lambda p: p[1]["question_id"]) == [
        ("quiz-host-7", {"type": "answer_in", "run_id": 7, "question_id": 70, "count": 250}),
        ("quiz-host-7", {"type": "answer_in", "run_id": 7, "question_id": 71, "count": 1}),
        ("quiz-host-8", {"type": "answer_in", "run_id": 8, "question_id": 80, "count": 1}),
    ]
    counts.add(7, 70)  # the next burst starts a new round
    await counts.task
    assert published[-1][1]["count"] == 1 and len(published) == 4
