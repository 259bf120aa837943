"""Every API list paginates the same way: ?page=&per_page=, the body unchanged, X-Total-Count and Link headers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from events.web.pagination import MAX_PER_PAGE
from tests.api.conftest import problem
from tests.conftest import NOW


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])}


async def _registrations(api, slug: str, count: int) -> None:
    for n in range(count):
        answer = await api.post(f"/api/events/{slug}/registrations", json={"name": f"Deelnemer {n}", "email": f"d{n}@gemeente.nl"})
        assert answer.status_code == 201


async def test_registrations_page_by_page_with_total_and_links(api, make_event, viewer_headers):
    event = await make_event()
    await _registrations(api, event["slug"], 5)
    base = f"/api/events/{event['slug']}/registrations"
    first = await api.get(base, params={"per_page": 2, "status": "confirmed"}, headers=viewer_headers)
    assert first.status_code == 200
    assert [r["name"] for r in first.json()] == ["Deelnemer 0", "Deelnemer 1"]
    assert first.headers["x-total-count"] == "5"
    assert links(first) == {"first": f"{base}?status=confirmed&page=1&per_page=2", "next": f"{base}?status=confirmed&page=2&per_page=2",
                            "last": f"{base}?status=confirmed&page=3&per_page=2"}
    last = await api.get(links(first)["last"], headers=viewer_headers)
    assert [r["name"] for r in last.json()] == ["Deelnemer 4"]
    assert "next" not in links(last) and links(last)["prev"].endswith("page=2&per_page=2")
    beyond = await api.get(base, params={"page": 9, "per_page": 2}, headers=viewer_headers)
    assert beyond.json() == [] and beyond.headers["x-total-count"] == "5"
    whole = await api.get(base, headers=viewer_headers)  # default 50: an existing client sees everything as before
    assert len(whole.json()) == 5 and "next" not in links(whole)
    found = await api.get(base, params={"q": "Deelnemer 3"}, headers=viewer_headers)
    assert [r["name"] for r in found.json()] == ["Deelnemer 3"]


@pytest.mark.parametrize(("query", "field"), [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "abc"}, "page"), ({"page": "1.5"}, "page"),
    ({"per_page": "0"}, "per_page"), ({"per_page": str(MAX_PER_PAGE + 1)}, "per_page"), ({"per_page": "veel"}, "per_page"),
])
async def test_bad_page_parameters_are_a_400_naming_them(api, make_event, viewer_headers, query, field):
    event = await make_event()
    problem(await api.get(f"/api/events/{event['slug']}/registrations", params=query, headers=viewer_headers), 400, field)
    problem(await api.get("/api/events", params=query), 400, field)


async def test_public_and_organiser_event_lists_paginate_and_filter(api, make_event, team, other_team, viewer_headers):
    for n in range(3):
        await make_event(starts_at=NOW + timedelta(days=10 + n), ends_at=NOW + timedelta(days=10 + n, hours=2))
    await make_event(status="draft")
    await make_event(organisation_id=other_team.organisation.id)
    public = await api.get("/api/events", params={"per_page": 2})
    assert public.headers["x-total-count"] == "4" and len(public.json()) == 2  # published ones of both organisations
    mine = await api.get("/api/organiser/events", params={"per_page": 3}, headers=viewer_headers)
    assert mine.headers["x-total-count"] == "4" and len(mine.json()) == 3 and "next" in links(mine)
    assert all(e["join_url"] for e in mine.json())
    drafts = await api.get("/api/organiser/events", params={"status": "draft"}, headers=viewer_headers)
    assert [e["status"] for e in drafts.json()] == ["draft"]
    problem(await api.get("/api/organiser/events", params={"status": "gone"}, headers=viewer_headers), 400, "status")
    theirs = await api.get("/api/organiser/events", params={"organisation": other_team.organisation.slug}, headers=viewer_headers)
    assert theirs.json() == [] and theirs.headers["x-total-count"] == "0"


async def test_every_list_operation_documents_the_parameters_and_headers(api):
    document = (await api.get("/schema/openapi.json")).json()
    lists = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not path.startswith("/api/") or get is None:
            continue
        schema = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        is_list = schema.get("type") == "array" or path.endswith("/deliveries")
        if not is_list:
            continue
        lists.append(path)
        names = {p["name"] for p in get.get("parameters", [])}
        assert {"page", "per_page"} <= names, path
        assert {"X-Total-Count", "Link"} <= set(get["responses"]["200"].get("headers", {})), path
    assert len(lists) >= 15, lists
