"""Recordings of sessions and events: written through the session and event API and the back-office forms,
released when the session (or event) ends, public ones on the public pages and API, registrants' ones only on a
confirmed registrant's manage page; a change bumps the programme's content version (the public caches)."""

from __future__ import annotations

from datetime import timedelta

from events.kernel import content_versions
from events.programme import service as programme
from events.programme.tables import Event
from events.registration import service as registration
from events.registration.service import Applicant, ManageLinks
from events.registration.tables import Registration
from tests.conftest import NOW, post_form
from tests.programme.helpers import START, make_event

PUBLIC = {"url": "https://video.example.org/keynote", "title": "Keynote terugkijken", "visibility": "public",
          "transcript_url": "https://video.example.org/keynote.vtt"}
PRIVATE = {"url": "https://video.example.org/besloten", "title": "Besloten nagesprek", "visibility": "registrants"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _session_with_recordings(client, organiser, organiser_token) -> tuple[dict, dict]:
    event = await make_event(organiser.id, with_session=False)
    created = await client.post(f"/api/events/{event['slug']}/sessions", headers=bearer(organiser_token), json={
        "title": "Keynote", "starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=1)).isoformat(),
        "recordings": [PUBLIC, PRIVATE],
    })
    assert created.status_code == 201, created.text
    return event, created.json()


async def test_the_session_api_writes_and_the_organiser_reads_every_recording(client, organiser, organiser_token):
    event, session = await _session_with_recordings(client, organiser, organiser_token)
    assert session["recordings"] == [PUBLIC, {**PRIVATE, "transcript_url": ""}]  # the organiser sees all, before the end
    url = f"/api/events/{event['slug']}/sessions/{session['id']}"
    kept = await client.patch(url, headers=bearer(organiser_token), json={"room": "Zaal 1"})
    assert kept.json()["recordings"][0]["url"] == PUBLIC["url"]  # a patch without recordings keeps them
    replaced = await client.patch(url, headers=bearer(organiser_token), json={"recordings": [PRIVATE]})
    assert [r["title"] for r in replaced.json()["recordings"]] == [PRIVATE["title"]]
    for bad, key in (({"url": "javascript:alert(1)", "title": "x"}, "recording_url_0"),
                     ({"url": "https://v.example.org/1", "title": ""}, "recording_title_0"),
                     ({"url": "https://v.example.org/1", "title": "Regel\neen"}, "recordings.0.title"),  # the write net's name
                     ({"url": "https://v.example.org/1", "title": "x", "transcript_url": "ftp://x"}, "recording_transcript_url_0"),
                     ({"url": "https://v.example.org/1", "title": "x", "visibility": "organisers"}, "recording_visibility_0")):
        refused = await client.patch(url, headers=bearer(organiser_token), json={"recordings": [bad]})
        assert refused.status_code == 400, bad
        assert [e["key"] for e in refused.json()["extra"]] == [key]
    too_many = await client.patch(url, headers=bearer(organiser_token), json={"recordings": [PUBLIC] * 6})
    assert too_many.status_code == 400 and too_many.json()["extra"][0]["key"] == "recordings"
    assert [r["title"] for r in (await client.get(url.rsplit("/", 1)[0], headers=bearer(organiser_token))).json()[0]["recordings"]] == []
    event_level = await client.patch(f"/api/events/{event['slug']}", headers=bearer(organiser_token), json={"recordings": [PUBLIC]})
    assert event_level.status_code == 200 and event_level.json()["recordings"] == [PUBLIC]


async def test_the_public_sees_public_recordings_only_after_the_session(client, organiser, organiser_token, clock):
    event, session = await _session_with_recordings(client, organiser, organiser_token)
    await client.patch(f"/api/events/{event['slug']}", headers=bearer(organiser_token), json={"recordings": [PRIVATE]})
    page_url = f"/events/{event['slug']}/sessions/{session['id']}"
    before = await http_get(client, page_url)
    assert "Keynote terugkijken" not in before and "video.example.org" not in before
    assert (await client.get(f"/api/events/{event['slug']}/sessions")).json()[0]["recordings"] == []
    clock.set(START + timedelta(hours=1))  # the session ends
    after = await http_get(client, page_url)
    assert "Opnames" in after and 'href="https://video.example.org/keynote"' in after
    assert "https://video.example.org/keynote.vtt" in after and "Besloten nagesprek" not in after
    assert [r["title"] for r in (await client.get(f"/api/events/{event['slug']}/sessions")).json()[0]["recordings"]] == ["Keynote terugkijken"]
    event_page = await http_get(client, f"/events/{event['slug']}")
    assert "Keynote terugkijken" in event_page and "Besloten nagesprek" not in event_page
    detail = (await client.get(f"/api/events/{event['slug']}")).json()
    assert detail["recordings"] == []  # the event's own is for registrants and the event has not ended
    assert detail["sessions"][0]["recordings"][0]["url"] == PUBLIC["url"]


async def http_get(client, url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200, url
    return response.text


async def test_a_confirmed_registrant_sees_registrants_recordings_on_the_manage_page(
    client, organiser, organiser_token, settings, clock
):
    event, _session = await _session_with_recordings(client, organiser, organiser_token)
    await Event.update({Event.capacity: 1}).where(Event.id == event["id"])
    links = ManageLinks.from_settings(settings)
    anna = await registration.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, links)
    bob = await registration.register(event["slug"], Applicant("Bob", "bob@x.nl"), NOW, links)  # the waiting list
    other_event = await make_event(organiser.id, title="Ander evenement")
    carla = await registration.register(other_event["slug"], Applicant("Carla", "carla@x.nl"), NOW, links)
    assert (await Registration.select(Registration.status).where(Registration.id == bob.id).first())["status"] == "waitlisted"
    before = await http_get(client, f"/registrations/{anna.token}")
    assert "Besloten nagesprek" not in before  # not released yet
    clock.set(START + timedelta(hours=2))
    page = await client.get(f"/registrations/{anna.token}")
    assert page.headers["cache-control"] == "no-store"
    assert "Besloten nagesprek" in page.text and "Keynote terugkijken" in page.text
    assert "Besloten nagesprek" not in await http_get(client, f"/registrations/{bob.token}")
    assert "Besloten nagesprek" not in await http_get(client, f"/registrations/{carla.token}")
    await registration.cancel_registration(anna.id, clock.now(), links)
    assert "Besloten nagesprek" not in await http_get(client, f"/registrations/{anna.token}")


async def test_a_recording_change_bumps_the_programmes_content_version(client, engine, organiser, organiser_token):
    event, session = await _session_with_recordings(client, organiser, organiser_token)
    before = (await content_versions.read(engine))[content_versions.PROGRAMME]
    url = f"/api/events/{event['slug']}/sessions/{session['id']}"
    assert (await client.patch(url, headers=bearer(organiser_token), json={"recordings": [PRIVATE]})).status_code == 200
    after_session = (await content_versions.read(engine))[content_versions.PROGRAMME]
    assert after_session > before
    await client.patch(f"/api/events/{event['slug']}", headers=bearer(organiser_token), json={"recordings": [PUBLIC]})
    assert (await content_versions.read(engine))[content_versions.PROGRAMME] > after_session


async def test_the_organiser_edits_recordings_on_the_session_and_event_forms(organiser_client, organiser):
    event = await make_event(organiser.id)
    session = (await programme.sessions_of(event["id"]))[0]
    url = f"/organiser/events/{event['slug']}/sessions/{session['id']}/edit"
    form = await organiser_client.get(url)
    assert form.status_code == 200 and 'name="recording_url_4"' in form.text and "Opname 1" in form.text
    base = {"title": "Keynote", "kind": "talk", "starts_at": "2026-12-06T09:30", "ends_at": "2026-12-06T10:30"}
    refused = await post_form(organiser_client, url, {**base, "recording_url_0": "video.example.org", "recording_title_0": "Terugkijken"})
    assert refused.status_code == 400 and "Vul het webadres van de opname in" in refused.text
    assert 'value="Terugkijken"' in refused.text  # what was typed stays
    saved = await post_form(organiser_client, url, {
        **base, "recording_url_1": PUBLIC["url"], "recording_title_1": "Terugkijken", "recording_visibility_1": "registrants",
    })
    assert saved.status_code == 303
    stored = programme.recordings_of(await programme.session_by_id(session["id"]))
    assert stored == [{"url": PUBLIC["url"], "title": "Terugkijken", "transcript_url": "", "visibility": "registrants"}]
    assert f'value="{PUBLIC["url"]}"' in (await organiser_client.get(url)).text
    event_form = await organiser_client.get(f"/organiser/events/{event['slug']}/edit")
    assert 'name="recording_title_0"' in event_form.text and 'name="followup_delay_minutes"' in event_form.text
