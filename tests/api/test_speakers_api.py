"""Speakers through the API: list, the organisation's profile, take off a session, a new link by mail only."""

from __future__ import annotations

from datetime import timedelta

from events.accounts import service as accounts
from events.mail.tables import OutboxMessage
from tests.api.conftest import problem
from tests.conftest import NOW


async def _programme(api, event, headers) -> tuple[int, int]:
    start = NOW + timedelta(days=10)
    session = await api.post(f"/api/events/{event['slug']}/sessions", headers=headers, json={
        "title": "Opening", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()})
    assert session.status_code == 201, session.text
    added = await api.post(f"/api/events/{event['slug']}/sessions/{session.json()['id']}/speakers", headers=headers,
                           json={"email": "sanne@universiteit.nl", "name": "Sanne Spreker", "organisation": "UU"})
    assert added.status_code == 201, added.text
    return session.json()["id"], (await accounts.user_by_email("sanne@universiteit.nl")).id


async def test_speakers_profile_link_and_removal(api, make_event, editor_headers, viewer_headers, stranger_headers):
    event = await make_event()
    session_id, speaker_id = await _programme(api, event, editor_headers)
    base = f"/api/events/{event['slug']}/speakers"
    listed = await api.get(base, headers=viewer_headers)
    assert listed.status_code == 200 and listed.headers["x-total-count"] == "1"
    assert listed.json() == [{"id": speaker_id, "email": "sanne@universiteit.nl", "name": "Sanne Spreker", "affiliation": "UU",
                              "bio": "", "session_ids": [session_id]}]
    changed = await api.patch(f"{base}/{speaker_id}", headers=editor_headers, json={"bio": "Onderzoekt weerbaarheid.",
                                                                                    "affiliation": "Universiteit Utrecht"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["affiliation"], changed.json()["bio"]) == (
        "Sanne Spreker", "Universiteit Utrecht", "Onderzoekt weerbaarheid.")
    assert (await api.get(f"{base}/{speaker_id}", headers=viewer_headers)).json()["bio"] == "Onderzoekt weerbaarheid."
    problem(await api.patch(f"{base}/{speaker_id}", headers=editor_headers, json={"name": ""}), 400, "name")
    problem(await api.patch(f"{base}/{speaker_id}", headers=editor_headers, json={"shoe_size": 44}), 400)
    problem(await api.patch(f"{base}/{speaker_id}", headers=viewer_headers, json={"bio": "x"}), 403)
    problem(await api.get(f"{base}/{speaker_id}", headers=stranger_headers), 404)

    before = await OutboxMessage.count().where(OutboxMessage.to_address == "sanne@universiteit.nl")
    link = await api.post(f"{base}/{speaker_id}/link", headers=editor_headers)
    assert link.status_code == 202 and link.json() == {"sent_to": "sanne@universiteit.nl"}
    assert "/p/" not in link.text
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "sanne@universiteit.nl") == before + 1
    problem(await api.post(f"{base}/{speaker_id}/link", headers=viewer_headers), 403)
    problem(await api.post(f"{base}/{speaker_id + 99}/link", headers=editor_headers), 404)

    off = f"/api/events/{event['slug']}/sessions/{session_id}/speakers/{speaker_id}"
    problem(await api.delete(off, headers=viewer_headers), 403)
    problem(await api.delete(off, headers=stranger_headers), 404)
    assert (await api.delete(off, headers=editor_headers)).status_code == 204
    problem(await api.delete(off, headers=editor_headers), 404)
    assert (await api.get(base, headers=viewer_headers)).json() == []


async def test_event_materials_for_organisers(api, make_event, editor_headers, viewer_headers, stranger_headers):
    from tests.materials.conftest import sample_pdf  # noqa: PLC0415 - a fixture module of another domain's tests

    event = await make_event()
    session_id, _speaker_id = await _programme(api, event, editor_headers)
    uploaded = await api.post(f"/api/sessions/{session_id}/materials", headers=editor_headers,
                              files={"file": ("slides.pdf", sample_pdf(), "application/pdf")}, data={"title": "Slides"})
    assert uploaded.status_code == 201, uploaded.text
    listed = await api.get(f"/api/events/{event['slug']}/materials", headers=viewer_headers)
    assert listed.status_code == 200 and listed.headers["x-total-count"] == "1"
    assert [m["id"] for m in listed.json()] == [uploaded.json()["id"]]
    problem(await api.get(f"/api/events/{event['slug']}/materials", headers=stranger_headers), 404)
    problem(await api.get(f"/api/events/{event['slug']}/materials", params={"per_page": "300"}, headers=viewer_headers),
            400, "per_page")
