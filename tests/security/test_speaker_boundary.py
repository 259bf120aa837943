"""Speakers across organisations (issue 14, hole 2): a personal link is mailed, never shown to an organiser; each
link reaches only the sessions of the organisation that issued it; each organisation keeps its own speaker
profile; adding a speaker tells nothing about whether the address had an account; revoking is per organisation."""

from __future__ import annotations

import re

import pytest

from events.accounts import service as accounts
from events.mail.tables import OutboxMessage
from events.programme import service as programme
from tests.conftest import http_client, login
from tests.programme.helpers import make_event

SPEAKER = "gedeeld@example.org"


def csrf(client) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get("events_csrf") or ""}


@pytest.fixture
async def world(app, organiser, other_organiser):
    event_a = await make_event(organiser.id, title="Conferentie A")
    event_b = await make_event(other_organiser.id, title="Webinar B")
    assert event_a["organisation"] != event_b["organisation"]
    session_a = (await programme.sessions_of(event_a["id"]))[0]
    session_b = (await programme.sessions_of(event_b["id"]))[0]
    async with http_client(app) as client_a, http_client(app) as client_b:
        for client, user in ((client_a, organiser), (client_b, other_organiser)):
            assert (await login(client, user.email)).status_code == 303
            await client.get("/organiser")
        yield {"a": (event_a, session_a, client_a), "b": (event_b, session_b, client_b)}


async def _add(client, event, session, email, name="Sara Spreker"):
    return await client.post(
        f"/api/events/{event['slug']}/sessions/{session['id']}/speakers",
        json={"email": email, "name": name, "organisation": "Hogeschool"}, headers=csrf(client),
    )


async def _mailed_links(email: str) -> list[str]:
    rows = await OutboxMessage.select(OutboxMessage.text_body).where(
        (OutboxMessage.to_address == email) & (OutboxMessage.kind == "speaker_link")
    ).order_by(OutboxMessage.id)
    return [m for row in rows for m in re.findall(r"/p/[A-Za-z0-9_\-]+", row["text_body"])]


async def test_add_answers_sent_to_only_and_the_link_goes_by_mail(world):
    event_a, session_a, client_a = world["a"]
    response = await _add(client_a, event_a, session_a, SPEAKER)
    assert response.status_code == 201, response.text
    assert response.json() == {"sent_to": SPEAKER}
    assert "/p/" not in response.text
    assert len(await _mailed_links(SPEAKER)) == 1
    page = await client_a.get(f"/organiser/events/{event_a['slug']}/programme")
    assert "/p/" not in page.text


async def test_the_answer_does_not_tell_whether_the_address_had_an_account(world, other_organiser):
    event_b, session_b, client_b = world["b"]
    await accounts.create_user("bestaand@example.org", "speaker", name="Bert Bestaand")
    existing = await _add(client_b, event_b, session_b, "bestaand@example.org")
    fresh = await _add(client_b, event_b, session_b, "nieuw@example.org")
    assert (existing.status_code, set(existing.json())) == (fresh.status_code, set(fresh.json())) == (201, {"sent_to"})
    assert len(await _mailed_links("bestaand@example.org")) == len(await _mailed_links("nieuw@example.org")) == 1
    # What B's programme shows of the existing account is what B typed, not the account's name.
    speakers = await programme.speakers_of_session(session_b["id"])
    assert "Bert Bestaand" not in [s.name for s in speakers]


async def test_each_link_reaches_only_its_own_organisations_sessions(app, world):
    event_a, session_a, client_a = world["a"]
    event_b, session_b, client_b = world["b"]
    await _add(client_a, event_a, session_a, SPEAKER)
    await _add(client_b, event_b, session_b, SPEAKER)
    link_a, link_b = await _mailed_links(SPEAKER)
    async with http_client(app) as speaker:
        assert (await speaker.get(link_a)).status_code == 303
        home = await speaker.get("/speaker")
        assert session_a["title"] in home.text and "Webinar B" not in home.text
        refused = await speaker.post(
            f"/api/sessions/{session_b['id']}/materials", files={"file": ("b.pdf", b"%PDF-1.4 b", "application/pdf")},
            headers=csrf(speaker),
        )
        assert refused.status_code == 403
        allowed = await speaker.post(
            f"/api/sessions/{session_a['id']}/materials", files={"file": ("a.pdf", b"%PDF-1.4 a", "application/pdf")},
            headers=csrf(speaker),
        )
        assert allowed.status_code == 201, allowed.text
    async with http_client(app) as speaker:
        assert (await speaker.get(link_b)).status_code == 303
        home = await speaker.get("/speaker")
        assert "Webinar B" in home.text and "Conferentie A" not in home.text
        material_a = allowed.json()["id"]
        assert (await speaker.delete(f"/api/materials/{material_a}", headers=csrf(speaker))).status_code == 403
        listed = await speaker.get(f"/api/sessions/{session_a['id']}/materials")
        assert listed.status_code == 200 and listed.json() == []  # A's unreleased file stays hidden
    # Organiser B, who shares the speaker, cannot touch A's material either.
    assert (await client_b.delete(f"/api/materials/{material_a}", headers=csrf(client_b))).status_code in (403, 404)


async def test_profiles_are_per_organisation(world):
    event_a, session_a, client_a = world["a"]
    event_b, session_b, client_b = world["b"]
    await _add(client_a, event_a, session_a, SPEAKER, name="Sara Spreker")
    await _add(client_b, event_b, session_b, SPEAKER, name="Sara S.")
    speaker_id = (await programme.speakers_of_session(session_b["id"]))[0].id
    changed = await client_b.post(
        f"/organiser/events/{event_b['slug']}/speakers/{speaker_id}/profile",
        data={"name": "Gekaapt", "organisation": "Nep BV", "bio": "Overgenomen", "_csrf_token": client_b.cookies.get("events_csrf")},
    )
    assert changed.status_code in (200, 303), changed.text
    assert [s.name for s in await programme.speakers_of_session(session_b["id"])] == ["Gekaapt"]
    assert [(s.name, s.organisation) for s in await programme.speakers_of_session(session_a["id"])] == [
        ("Sara Spreker", "Hogeschool")
    ]
    public_a = await client_a.get(f"/api/events/{event_a['slug']}/sessions")
    assert "Gekaapt" not in public_a.text


async def test_renewing_a_link_revokes_only_that_organisations_links(app, world, clock):
    event_a, session_a, client_a = world["a"]
    event_b, session_b, client_b = world["b"]
    await _add(client_a, event_a, session_a, SPEAKER)
    await _add(client_b, event_b, session_b, SPEAKER)
    link_a, link_b = await _mailed_links(SPEAKER)
    speaker_id = (await programme.speakers_of_session(session_b["id"]))[0].id
    renewed = await client_b.post(
        f"/organiser/events/{event_b['slug']}/speakers/{speaker_id}/link", data={"_csrf_token": client_b.cookies.get("events_csrf")}
    )
    assert renewed.status_code == 200 and "/p/" not in renewed.text and SPEAKER in renewed.text
    async with http_client(app) as speaker:
        assert (await speaker.get(link_b)).status_code == 404
        assert (await speaker.get(link_a)).status_code == 303
