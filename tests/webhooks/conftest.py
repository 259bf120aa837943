"""Fixtures for the webhook tests: a real HTTP receiver on 127.0.0.1 (so private targets are allowed here), two
organisations with their teams, events of the first, and cookieless API clients."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from events.accounts import service as accounts
from events.programme.tables import Event
from events.webhooks import service as webhooks
from tests.conftest import NOW
from tests.organisations.conftest import Team, make_team


@pytest.fixture
def settings(settings):
    return replace(settings, deliver_in_process=False, allow_private_targets=True)


@dataclass
class Receiver:
    """Records every request; answers with the next code of `answers` (then 200)."""

    url: str
    requests: list[dict] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            state.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                   "body": body.decode()})
            code = state.answers.pop(0) if state.answers else 200
            self.send_response(code)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
async def team(engine) -> Team:
    return await make_team("gemeente-a", "Gemeente A")


@pytest.fixture
async def other_team(engine) -> Team:
    return await make_team("ministerie-b", "Ministerie B")


@pytest.fixture
def make_event(team):
    counter = iter(range(1, 1000))

    async def make(organisation_id: int | None = None, **values) -> dict:
        n = next(counter)
        row = {
            "slug": f"event-{n}", "title": f"Weerbare organisatie {n}", "status": "published", "format": "online",
            "starts_at": NOW + timedelta(days=10), "ends_at": NOW + timedelta(days=10, hours=2),
            "join_url": "https://meet.example.nl/secret-room-42", "capacity": None, "organiser": team.owner.id,
            "contact_name": "Olga", "contact_email": "organiser@gemeente.nl", "language": "nl",
            "organisation": organisation_id or team.organisation.id, **values,
        }
        event = Event(**row)
        await event.save()
        return await Event.select().where(Event.id == event.id).first()

    return make



@pytest.fixture
async def owner_headers(team) -> dict[str, str]:
    return {"authorization": f"Bearer {await accounts.create_api_token(team.owner.id, label='tests')}"}


@pytest.fixture
def deliverer(settings) -> webhooks.WebhookDeliverer:
    return webhooks.WebhookDeliverer(secret_key=settings.secret_key, source=settings.base_url, allow_private=True,
                                     timeout=5.0)


async def subscribe(api, headers, url: str, types: list[str], slug: str = "gemeente-a") -> dict:
    response = await api.post(f"/api/organisations/{slug}/webhooks", json={"url": url, "event_types": types}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
