"""The live socket over real WebSockets: Litestar's TestClient (one app), and two servers sharing Redis."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx
import pytest
from litestar.testing import TestClient

from events.app import create_app
from events.kernel import database
from events.live import service
from events.live.tables import Space
from tests.conftest import TEST_REDIS_URL, LiveServer, needs_redis
from tests.live.conftest import sessions_of


@pytest.fixture
def socket_app(settings, clock, engine, space):
    """An app that opens its own database pool inside TestClient's portal thread; the test's fixtures ran before."""
    app = create_app(settings, clock=clock)
    yield app
    database.bind_engine(engine)


def join(client: TestClient, code: str, name: str | None = None) -> dict:
    client.cookies.clear()
    response = client.post(f"/api/live/{code}/participants", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


def ask(client: TestClient, code: str, token: str, text: str) -> dict:
    response = client.post(f"/api/live/{code}/questions", json={"text": text}, headers={"X-Live-Token": token})
    assert response.status_code == 201, response.text
    return response.json()


def hello(ws, token: str | None) -> dict:
    ws.send_json({"type": "hello", "token": token})
    message = ws.receive_json()
    assert message["type"] == "welcome", message
    return message


async def test_reconnect_keeps_votes_and_responses(socket_app, space):
    with TestClient(socket_app) as client:
        me = join(client, space["code"], "Dirk")
        question = ask(client, space["code"], join(client, space["code"])["token"], "Wat kost het?")
        assert client.post(f"/api/live/{space['code']}/questions/{question['id']}/vote",
                           headers={"X-Live-Token": me["token"]}).status_code == 200
        with client.websocket_connect(f"/ws/live/{space['code']}") as ws:
            first = hello(ws, me["token"])
        with client.websocket_connect(f"/ws/live/{space['code']}") as ws:
            again = hello(ws, me["token"])
        for welcome in (first, again):
            assert welcome["role"] == "participant" and welcome["you"]["votes"] == [question["id"]]
            assert welcome["questions"][0]["votes"] == 1 and welcome["you"]["name"] == "Dirk"


async def test_votes_reach_the_wall_and_two_spaces_stay_isolated(socket_app, space, event):
    other = await _other_space(event)
    with TestClient(socket_app) as client:
        token = join(client, space["code"])["token"]
        other_token = join(client, other["code"])["token"]
        with client.websocket_connect(f"/ws/live/{space['code']}") as wall:
            assert hello(wall, None)["role"] == "wall"
            ask(client, other["code"], other_token, "Andere zaal")
            mine = ask(client, space["code"], token, "Deze zaal")
            received = wall.receive_json()
            assert received["type"] == "question" and received["question"]["text"] == "Deze zaal"
            client.post(f"/api/live/{space['code']}/questions/{mine['id']}/vote", headers={"X-Live-Token": token})
            # the count comes in the next coalesced frame of the space's changed questions
            assert wall.receive_json() == {"type": "question_votes", "counts": [{"id": mine["id"], "votes": 1}]}


async def _other_space(event: dict) -> dict:
    second = (await sessions_of(event))[1]
    made = await service.create_space(event, second["id"])
    return await service.set_open(made["id"], True)


async def test_pending_questions_reach_moderators_only(socket_app, space, organiser_token):
    await Space.update({Space.premoderation: True}).where(Space.id == space["id"])
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    with TestClient(socket_app) as client:  # one client (one app loop); the Bearer header makes the moderator
        moderator = phone = client
        token = join(phone, space["code"])["token"]
        with moderator.websocket_connect(f"/ws/live/{space['code']}", headers=bearer) as mod_ws, \
                phone.websocket_connect(f"/ws/live/{space['code']}") as wall:
            assert hello(mod_ws, None)["role"] == "moderator"
            hello(wall, token)
            pending = ask(phone, space["code"], token, "Mag dit?")
            assert mod_ws.receive_json()["question"]["state"] == "pending"
            response = moderator.post(f"/api/live/spaces/{space['id']}/questions/{pending['id']}/approve",
                                      headers=bearer)
            assert response.status_code == 200, response.text
            assert mod_ws.receive_json()["question"]["state"] == "visible"
            assert wall.receive_json()["question"]["state"] == "visible"  # the first thing the room hears of it


async def test_unknown_code_and_bad_token_are_refused(socket_app, space):
    with TestClient(socket_app) as client:
        with client.websocket_connect("/ws/live/000000") as ws:
            ws.send_json({"type": "hello", "token": None})
            assert ws.receive_json()["type"] == "refused"
        with client.websocket_connect(f"/ws/live/{space['code']}") as ws:
            ws.send_json({"type": "hello", "token": "x" * 43})
            assert ws.receive_json() == {"type": "refused", "reason": "unknown"}


@needs_redis
async def test_a_round_across_two_servers_sharing_redis(settings, engine, space, organiser_token):
    import websockets

    shared = replace(settings, redis_url=TEST_REDIS_URL)
    wall_server, phone_server = LiveServer(shared), LiveServer(shared)
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    try:
        async with httpx.AsyncClient() as http:
            joined = (await http.post(f"{phone_server.url}/api/live/{space['code']}/participants", json={})).json()
            headers = {"X-Live-Token": joined["token"]}
            async with websockets.connect(wall_server.url.replace("http", "ws") + f"/ws/live/{space['code']}") as wall:
                await wall.send(json.dumps({"type": "hello", "token": None}))
                assert json.loads(await wall.recv())["type"] == "welcome"
                await asyncio.sleep(0.3)  # both servers' Redis subscriptions are in place
                asked = (await http.post(f"{phone_server.url}/api/live/{space['code']}/questions", json={"text": "Via B"},
                                         headers=headers)).json()
                assert json.loads(await asyncio.wait_for(wall.recv(), 10))["question"]["text"] == "Via B"
                await http.post(f"{phone_server.url}/api/live/{space['code']}/questions/{asked['id']}/vote", headers=headers)
                assert json.loads(await asyncio.wait_for(wall.recv(), 10))["counts"] == [{"id": asked["id"], "votes": 1}]
                poll = (await http.post(f"{wall_server.url}/api/live/spaces/{space['id']}/polls",
                                        json={"kind": "scale", "question": "Cijfer?", "options": [10]}, headers=bearer)).json()
                await http.post(f"{wall_server.url}/api/live/spaces/{space['id']}/polls/{poll['id']}/open", headers=bearer)
                assert json.loads(await asyncio.wait_for(wall.recv(), 10))["poll"]["id"] == poll["id"]
                await http.post(f"{phone_server.url}/api/live/{space['code']}/polls/{poll['id']}/responses",
                                json={"answer": 8}, headers=headers)
                messages = [json.loads(await asyncio.wait_for(wall.recv(), 10)) for _ in range(2)]
                assert messages[-1]["type"] == "results" and messages[-1]["results"]["mean"] == 8
    finally:
        wall_server.stop()
        phone_server.stop()
