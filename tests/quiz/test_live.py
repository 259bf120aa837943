"""Whole rounds over real WebSockets: Litestar's TestClient (one app), and two live servers sharing Redis."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from dataclasses import replace

import httpx
import pytest
from litestar.channels import ChannelsPlugin
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from events.accounts import service as accounts
from events.app import create_app
from events.kernel import database
from events.quiz import broadcasts, service, sockets
from events.quiz.rows import RunRow
from tests.conftest import TEST_REDIS_URL, LiveServer, needs_redis


def join(client: TestClient, code: str, nickname: str):
    """A phone's join call: no cookies (a cookie would make the API ask for a CSRF token)."""
    client.cookies.clear()
    response = client.post("/api/quiz/join", json={"code": code, "nickname": nickname})
    client.cookies.clear()
    return response


def _receive_until(ws, wanted: str, limit: int = 20) -> dict:
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == wanted:
            return message
    raise AssertionError(f"no {wanted!r} message")


@pytest.fixture
def socket_app(settings, clock, engine, quiz):
    """An app that opens its own database pool inside TestClient's portal thread; the test's fixtures ran before."""
    app = create_app(settings, clock=clock)
    yield app
    database.bind_engine(engine)


async def test_whole_round_through_the_test_client(socket_app, clock, quiz, organiser_token, other_organiser):
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    other_bearer = {"Authorization": f"Bearer {await accounts.create_api_token(other_organiser.id, label='t')}"}
    questions = await service.questions_of(quiz.id)
    run = await service.open_run(quiz.id, 1, clock.now())
    thresholds = gc.get_threshold()
    with TestClient(socket_app) as client:
        anna = join(client, run.join_code, "Anna").json()
        bram = join(client, run.join_code, "Bram").json()
        assert join(client, run.join_code, "ANNA").status_code == 409
        with client.websocket_connect(f"/ws/quiz/host/{run.id}", headers=bearer) as host, \
                client.websocket_connect("/ws/quiz/play") as p1, client.websocket_connect("/ws/quiz/play") as p2:
            state = host.receive_json()
            assert state["type"] == "host_state" and [p["nickname"] for p in state["players"]] == ["Anna", "Bram"]
            assert gc.get_threshold()[2] == sockets.FullCollectionPause.PAUSED  # no full GC pauses during the round
            p1.send_json({"type": "hello", "token": anna["player_token"]})
            p2.send_json({"type": "hello", "token": bram["player_token"]})
            assert p1.receive_json()["status"] == "lobby" and p2.receive_json()["nickname"] == "Bram"

            assert client.post(f"/api/quiz/runs/{run.id}/next", headers=bearer).status_code == 200
            question = p1.receive_json()
            assert question["type"] == "question" and question["number"] == 1 and question["remaining_ms"] == 20000
            assert "correct" not in json.dumps(question)  # the right answer never travels before the reveal
            assert p2.receive_json()["question_id"] == question["question_id"]
            assert host.receive_json()["type"] == "question"
            right = questions[0].options[1].id

            clock.advance(seconds=4)
            p1.send_json({"type": "answer", "question_id": question["question_id"], "choices": [right]})
            assert p1.receive_json() == {"type": "ack", "question_id": question["question_id"], "response_ms": 4000}
            assert host.receive_json() == {"type": "answer_in", "run_id": run.id, "question_id": question["question_id"], "count": 1}
            p1.send_json({"type": "answer", "question_id": question["question_id"], "choices": [right]})
            refused = p1.receive_json()
            assert refused["type"] == "refused" and refused["reason"] == "already_answered" and refused["message"]
            clock.advance(seconds=17)  # 21 s: past the 20 s limit and the 0.5 s grace
            p2.send_json({"type": "answer", "question_id": question["question_id"], "choices": [right]})
            late = p2.receive_json()
            assert late["reason"] == "too_late" and late["message"] == "Te laat: de tijd was al om"

            assert client.post(f"/api/quiz/runs/{run.id}/reveal", headers=bearer).status_code == 200
            reveal = p2.receive_json()  # p2 never saw p1's answer_in: host-only messages stay on the host channel
            assert reveal["type"] == "reveal" and reveal["correct"] == [right]
            assert reveal["you"] is None and "points" not in reveal  # Bram did not answer in time; nobody's points travel
            assert reveal["learn_more"]["url"] == "https://example.org/personele-beveiliging"
            assert [d["count"] for d in reveal["distribution"]] == [0, 1, 0]
            assert p1.receive_json()["you"] == {"points": 900}

            client.post(f"/api/quiz/runs/{run.id}/leaderboard", headers=bearer)
            board = p1.receive_json()
            assert board["type"] == "leaderboard" and board["top"][0] == {"rank": 1, "nickname": "Anna", "score": 900}
            assert board["you"] == {"rank": 1, "score": 900} and "ranks" not in board
            assert p2.receive_json()["you"] == {"rank": 2, "score": 0}  # each phone gets its own place only
            host_reveal, host_board = host.receive_json(), host.receive_json()
            assert host_reveal["type"] == "reveal" and "points" not in host_reveal and "you" not in host_reveal
            assert host_board["top"][0]["nickname"] == "Anna" and "ranks" not in host_board

        # Anna reloads her phone: a new socket with the same token brings back nickname and score.
        with client.websocket_connect("/ws/quiz/play") as again:
            again.send_json({"type": "hello", "token": anna["player_token"]})
            welcome = again.receive_json()
            assert (welcome["nickname"], welcome["score"], welcome["rank"], welcome["status"]) == ("Anna", 900, 1, "leaderboard")

            # players and other organisers cannot drive the run
            client.cookies.clear()
            anonymous = client.post(f"/api/quiz/runs/{run.id}/next")
            assert anonymous.status_code == 401, anonymous.text
            assert client.post(
                f"/api/quiz/runs/{run.id}/next", headers={"Authorization": f"Bearer {anna['player_token']}"}
            ).status_code == 401
            # another organisation's run answers as a missing one
            assert client.post(f"/api/quiz/runs/{run.id}/next", headers=other_bearer).status_code == 404
            assert client.post(
                f"/api/quiz/runs/{run.id}/players/{bram['player_id']}/remove", headers=other_bearer
            ).status_code == 404
            for headers in ({}, other_bearer, {"Authorization": f"Bearer {anna['player_token']}"}):
                with client.websocket_connect(f"/ws/quiz/host/{run.id}", headers=headers) as intruder:
                    assert intruder.receive_json()["type"] == "refused"
                    with pytest.raises(WebSocketDisconnect):
                        intruder.receive_json()
            client.post(f"/api/quiz/runs/{run.id}/end", headers=bearer)
            finished = again.receive_json()
            assert finished["type"] == "finished" and finished["podium"][0]["nickname"] == "Anna"
            assert finished["you"] == {"rank": 1, "score": 900} and "ranks" not in finished
            with pytest.raises(WebSocketDisconnect):
                again.receive_json()  # the server closes players' sockets when the run ends
        # The handler ends when its socket's disconnect arrives (the test client delivers it on leaving the block,
        # in the app's thread): the last quiz socket closed, full collections resume.
        deadline = time.monotonic() + 5
        while gc.get_threshold() != thresholds and time.monotonic() < deadline:
            time.sleep(0.02)  # noqa: ASYNC251 - the app runs in the portal thread, not this loop
        assert gc.get_threshold() == thresholds
        with client.websocket_connect("/ws/quiz/play") as late:
            late.send_json({"type": "hello", "token": anna["player_token"]})
            final = late.receive_json()
            assert (final["status"], final["score"], final["podium"][0]["nickname"]) == ("finished", 900, "Anna")
            with pytest.raises(WebSocketDisconnect):
                late.receive_json()

        # a finished run refuses new sockets' answers, and channel state is back to baseline
        channels = socket_app.plugins.get(ChannelsPlugin)
        deadline = time.monotonic() + 5
        while broadcasts.quiz_channel_names(channels) and time.monotonic() < deadline:
            time.sleep(0.05)  # noqa: ASYNC251 - the app runs in the portal thread, not this loop
        assert broadcasts.quiz_channel_names(channels) == []


async def test_events_of_one_run_never_reach_another(socket_app, clock, quiz, organiser_token):
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    run_a = await service.open_run(quiz.id, 1, clock.now())
    run_b = await service.open_run(quiz.id, 1, clock.now())
    assert run_a.join_code != run_b.join_code
    with TestClient(socket_app) as client:
        a = join(client, run_a.join_code, "Anna").json()
        b = join(client, run_b.join_code, "Anna").json()
        assert a["run_id"] == run_a.id and b["run_id"] == run_b.id
        with client.websocket_connect("/ws/quiz/play") as pa, client.websocket_connect("/ws/quiz/play") as pb, \
                client.websocket_connect(f"/ws/quiz/host/{run_b.id}", headers=bearer) as host_b:
            pa.send_json({"type": "hello", "token": a["player_token"]})
            pb.send_json({"type": "hello", "token": b["player_token"]})
            assert pa.receive_json()["run_id"] == run_a.id and pb.receive_json()["run_id"] == run_b.id
            host_b.receive_json()
            client.post(f"/api/quiz/runs/{run_a.id}/next", headers=bearer)
            client.post(f"/api/quiz/runs/{run_a.id}/reveal", headers=bearer)
            client.post(f"/api/quiz/runs/{run_a.id}/end", headers=bearer)
            join(client, run_a.join_code, "Laat")  # refused: ended
            client.post(f"/api/quiz/runs/{run_b.id}/next", headers=bearer)
            # Run B's sockets see run B's question first: nothing of run A's question, reveal or end came through.
            first_b = pb.receive_json()
            assert first_b["type"] == "question" and first_b["run_id"] == run_b.id
            assert host_b.receive_json()["run_id"] == run_b.id
            assert [pa.receive_json()["type"] for _ in range(3)] == ["question", "reveal", "finished"]


async def test_removed_player_is_refused_and_cannot_rejoin_with_the_token(socket_app, clock, quiz, organiser_token):
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    run = await service.open_run(quiz.id, 1, clock.now())
    with TestClient(socket_app) as client:
        troll = join(client, run.join_code, "Trol").json()
        with client.websocket_connect("/ws/quiz/play") as ws:
            ws.send_json({"type": "hello", "token": troll["player_token"]})
            ws.receive_json()
            response = client.post(f"/api/quiz/runs/{run.id}/players/{troll['player_id']}/remove", headers=bearer)
            assert response.status_code == 200
            assert ws.receive_json()["type"] == "player_removed"
            with pytest.raises(WebSocketDisconnect):
                ws.receive_json()
        with client.websocket_connect("/ws/quiz/play") as ws:
            ws.send_json({"type": "hello", "token": troll["player_token"]})
            refused = ws.receive_json()
            assert refused["type"] == "refused" and refused["reason"] == "removed"
        client.post(f"/api/quiz/runs/{run.id}/next", headers=bearer)
    questions = await service.questions_of(quiz.id)
    database.bind_engine(socket_app.state.engine)
    result = await service.submit_answer(
        run.id, troll["player_id"], questions[0].id, [questions[0].options[1].id], clock.now()
    )
    assert not result.accepted and result.reason == "removed"


async def _play_round_over_two_servers(host_server: LiveServer, player_server: LiveServer, organiser_token: str, run: RunRow):
    import websockets

    bearer = {"Authorization": f"Bearer {organiser_token}"}
    async with httpx.AsyncClient() as http:
        joined = (await http.post(f"{player_server.url}/api/quiz/join", json={"code": run.join_code, "nickname": "Anna"})).json()
        host_url = host_server.url.replace("http", "ws") + f"/ws/quiz/host/{run.id}"
        async with websockets.connect(host_url, additional_headers=bearer) as host, \
                websockets.connect(player_server.url.replace("http", "ws") + "/ws/quiz/play") as player:
            assert json.loads(await host.recv())["type"] == "host_state"
            await player.send(json.dumps({"type": "hello", "token": joined["player_token"]}))
            assert json.loads(await player.recv())["type"] == "welcome"
            await asyncio.sleep(0.3)  # both servers' Redis subscriptions are in place
            response = await http.post(f"{host_server.url}/api/quiz/runs/{run.id}/next", headers=bearer)
            assert response.status_code == 200, response.text
            question = json.loads(await asyncio.wait_for(player.recv(), 10))
            assert question["type"] == "question"
            choice = question["options"][1]["id"]
            await player.send(json.dumps({"type": "answer", "question_id": question["question_id"], "choices": [choice]}))
            assert json.loads(await asyncio.wait_for(player.recv(), 10))["type"] == "ack"
            messages = [json.loads(await asyncio.wait_for(host.recv(), 10)) for _ in range(2)]
            assert [m["type"] for m in messages] == ["question", "answer_in"]  # the answer on server B reached host A
            await http.post(f"{host_server.url}/api/quiz/runs/{run.id}/reveal", headers=bearer)
            reveal = json.loads(await asyncio.wait_for(player.recv(), 10))
            assert reveal["type"] == "reveal" and reveal["you"]["points"] > 0
            await http.post(f"{host_server.url}/api/quiz/runs/{run.id}/end", headers=bearer)
            assert json.loads(await asyncio.wait_for(player.recv(), 10))["type"] == "finished"


@needs_redis
async def test_same_round_across_two_servers_sharing_redis(settings, engine, clock, quiz, organiser, organiser_token):
    shared = replace(settings, redis_url=TEST_REDIS_URL)
    first, second = LiveServer(shared), LiveServer(shared)
    try:
        run = await service.open_run(quiz.id, organiser.id, clock.now())
        await _play_round_over_two_servers(first, second, organiser_token, run)
    finally:
        first.stop()
        second.stop()


async def test_round_on_the_live_server_with_a_real_websocket_client(live_server, quiz, organiser, organiser_token, clock):
    run = await service.open_run(quiz.id, organiser.id, clock.now())
    await _play_round_over_two_servers(live_server, live_server, organiser_token, run)
