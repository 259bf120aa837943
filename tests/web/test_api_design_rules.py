"""The REST API Design Rules: API-Version on every answer of every documented operation, contact information,
documented error answers, and RFC 9457 problem details on a 400, 401, 403, 404, 409, 413, 415 and 429."""

from __future__ import annotations

import re
from dataclasses import replace

from events.accounts import service as accounts
from events.app import create_app
from tests.conftest import http_client
from tests.programme.helpers import make_event

PROBLEM_KEYS = {"type", "title", "status", "detail"}


async def openapi(client) -> dict:
    return (await client.get("/schema/openapi.json")).json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def assert_problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers["content-type"]
    body = answer.json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status and body["detail"], body
    assert answer.headers["api-version"]
    return body


async def test_document_has_contact_and_notes_deviations(client, settings):
    info = (await openapi(client))["info"]
    assert info["contact"]["email"] == settings.contact_email and info["contact"]["name"]
    assert "Deviations" in info["description"] and "/api/quiz" in info["description"]


async def test_every_operation_documents_its_error_answers_as_problem_details(client):
    document = await openapi(client)
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert "400" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method in {"post", "patch", "put", "delete"}:
            assert "409" in responses, (method, path)
        for status, answer in responses.items():
            if status.startswith("4"):
                assert "application/problem+json" in answer.get("content", {}), (method, path, status)
    api = {(m, p): op["responses"] for p, m, op in operations(document)}
    assert {"401", "403"} <= set(api[("get", "/api/organiser/events")])
    assert {"413", "415", "429"} <= set(api[("post", "/api/events/{slug}/registrations")])
    assert "413" not in api[("post", "/api/events/{slug}/publish")]  # reads no body
    problem = document["components"]["schemas"]["Problem"]
    assert PROBLEM_KEYS <= set(problem["properties"]) and "errors" in problem["properties"]


async def test_every_api_operation_answers_with_the_api_version(client, organiser):
    """Walks the document and calls every /api operation (anonymously, with made-up parameters): whatever the
    answer — 2xx, 401, 404 or 400 — it carries the document's version."""
    document = await openapi(client)
    version = document["info"]["version"]
    event = await make_event(organiser.id)
    called = 0
    for path, method, _ in operations(document):
        if not path.startswith("/api"):
            continue
        concrete = re.sub(r"\{slug\}", event["slug"], path)
        concrete = re.sub(r"\{[a-z_]*id\}", "1", concrete)
        concrete = re.sub(r"\{[a-z_]+\}", "x", concrete)
        answer = await client.request(method.upper(), concrete, json={} if method in {"post", "patch", "put"} else None)
        assert answer.status_code < 500, (method, concrete, answer.text)
        assert answer.headers.get("api-version") == version, (method, concrete)
        called += 1
    assert called >= 40


async def test_problem_details_on_400_401_403_404_409(client, organiser, speaker, clock):
    event = await make_event(organiser.id)
    bad = await client.post(f"/api/events/{event['slug']}/registrations", json={"name": "", "email": "geen-adres"})
    body = assert_problem(bad, 400)
    assert {item["field"] for item in body["errors"]} >= {"email"}
    assert_problem(await client.get("/api/organiser/events"), 401)
    token = await accounts.create_api_token(speaker.id, label="tests")
    assert_problem(await client.get("/api/organiser/events", headers={"authorization": f"Bearer {token}"}), 403)
    assert_problem(await client.get("/api/events/bestaat-niet"), 404)
    cancelled = await make_event(organiser.id, status="cancelled", title="Afgelast")
    refused = await client.post(f"/api/events/{cancelled['slug']}/registrations", json={"name": "Anna", "email": "a@x.nl"})
    assert_problem(refused, 409)


async def test_problem_details_on_413_and_415(settings, clock, engine, organiser):
    small = replace(settings, max_upload_mb=1)  # the request body limit is the upload limit plus 1 MiB
    async with http_client(create_app(small, clock=clock, engine=engine)) as client:
        event = await make_event(organiser.id)
        path = f"/api/events/{event['slug']}/registrations"
        huge = b'{"name": "' + b"a" * (3 * 1024 * 1024) + b'", "email": "a@x.nl"}'
        assert_problem(await client.post(path, content=huge, headers={"content-type": "application/json"}), 413)
        plain = await client.post(path, content=b"name=Anna", headers={"content-type": "text/plain"})
        assert_problem(plain, 415)


async def test_problem_details_on_429(settings, clock, engine, organiser):
    limited = replace(settings, rate_limits={"registration": (1, 60)})
    async with http_client(create_app(limited, clock=clock, engine=engine)) as client:
        event = await make_event(organiser.id)
        path = f"/api/events/{event['slug']}/registrations"
        assert (await client.post(path, json={"name": "Anna", "email": "a@x.nl"})).status_code == 201
        answer = await client.post(path, json={"name": "Bert", "email": "b@x.nl"})
        assert_problem(answer, 429)
        assert answer.headers["retry-after"]
