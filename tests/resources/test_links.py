"""Resources linked into events and sessions: the organiser's forms, the public pages, and the mails."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from events.mail.tables import OutboxMessage
from events.registration.service import ManageLinks, queue_due_reminders, registration_mail_composer
from events.resources import service
from events.resources.tables import EventResource, SessionResource
from tests.conftest import http_client, login, post_form
from tests.resources.helpers import make_event, make_resource, make_session


@pytest.fixture
def settings(settings):
    return replace(settings, deliver_in_process=False)  # the outbox stays as queued, for reading


@pytest.fixture
async def linked(engine, organiser):
    event = await make_event(organiser)
    session = await make_session(event, "Workshop phishing")
    scan = await make_resource("Weerbaarheidsscan", aspect="voorbereiding", kind="scan", summary="Doe de scan.")
    phishing = await make_resource("Nep-phishingmail", aspect="informatiebeveiliging", kind="guide")
    guest = await make_resource("Mystery guest", aspect="fysieke_beveiliging", kind="story")
    unused = await make_resource("Niet gekoppeld", aspect="bewustzijn", kind="tool")
    for resource in (scan, phishing, guest):
        await service.attach_to_event(event["id"], resource.id, engine)
    await service.attach_to_session(session["id"], phishing.id, engine)
    return {"event": event, "session": session, "scan": scan, "phishing": phishing, "guest": guest, "unused": unused}


async def test_event_page_groups_resources_by_aspect_without_personal_data(client, linked):
    page = await client.get(f"/events/{linked['event']['slug']}")
    assert page.status_code == 200
    text = page.text
    assert "Verder lezen op het Platform weerbare overheid" in text
    # grouped by aspect, in the platform's order: physical, information, ..., preparedness
    assert text.index("Fysieke beveiliging") < text.index("Mystery guest") < text.index("Informatiebeveiliging")
    assert text.index("Informatiebeveiliging") < text.index("Nep-phishingmail") < text.index("Voorbereiding")
    assert text.index("Voorbereiding") < text.index("Weerbaarheidsscan")
    assert "Niet gekoppeld" not in text
    assert "meet.example.nl" not in text  # never the join URL on a public page
    api = await client.get(f"/api/events/{linked['event']['slug']}/resources")
    assert {r["title"] for r in api.json()} == {"Weerbaarheidsscan", "Nep-phishingmail", "Mystery guest"}
    assert "meet.example.nl" not in api.text and "link_health" not in api.text


async def test_session_page_shows_its_resources(client, linked):
    page = await client.get(f"/events/{linked['event']['slug']}/sessions/{linked['session']['id']}")
    assert page.status_code == 200
    assert "Meer weten" in page.text and "Nep-phishingmail" in page.text and "Mystery guest" not in page.text
    api = await client.get(f"/api/sessions/{linked['session']['id']}/resources")
    assert [r["title"] for r in api.json()] == ["Nep-phishingmail"]


async def test_retired_resource_disappears_from_pages_but_link_stays(client, linked, clock):
    await service.retire_resource(linked["guest"].id, clock.now())
    page = await client.get(f"/events/{linked['event']['slug']}")
    assert "Mystery guest" not in page.text and "Weerbaarheidsscan" in page.text
    assert "Fysieke beveiliging" not in page.text  # an aspect with nothing left is not shown
    assert await EventResource.count() == 3


async def test_no_panel_without_resources(client, organiser, engine):
    event = await make_event(organiser, slug="leeg")
    page = await client.get(f"/events/{event['slug']}")
    assert page.status_code == 200 and "Verder lezen" not in page.text


async def test_organiser_links_and_unlinks_through_the_dashboard(organiser_client, linked):
    slug = linked["event"]["slug"]
    dashboard = await organiser_client.get(f"/organiser/events/{slug}")
    assert dashboard.status_code == 200
    assert "Bronnen uit de bibliotheek" in dashboard.text and 'name="resource_id"' in dashboard.text
    attached = await post_form(organiser_client, f"/organiser/events/{slug}/resources",
                               {"resource_id": linked["unused"].id, "next": f"/organiser/events/{slug}"})
    assert attached.status_code == 303 and attached.headers["location"] == f"/organiser/events/{slug}"
    again = await post_form(organiser_client, f"/organiser/events/{slug}/resources", {"resource_id": linked["unused"].id})
    assert again.status_code == 303
    assert await EventResource.count().where(EventResource.resource == linked["unused"].id) == 1  # no duplicate
    evil_next = await post_form(organiser_client, f"/organiser/events/{slug}/resources",
                                {"resource_id": linked["unused"].id, "next": "https://evil.example/"})
    assert evil_next.headers["location"] == f"/organiser/events/{slug}/resources"
    removed = await post_form(organiser_client, f"/organiser/events/{slug}/resources/{linked['scan'].id}/remove", {})
    assert removed.status_code == 303
    titles = [r.title for r in await service.resources_of_event(linked["event"]["id"])]
    assert "Weerbaarheidsscan" not in titles and "Niet gekoppeld" in titles
    page = await organiser_client.get(f"/organiser/events/{slug}/resources")
    assert page.status_code == 200 and "Workshop phishing" in page.text
    sid = linked["session"]["id"]
    await post_form(organiser_client, f"/organiser/events/{slug}/sessions/{sid}/resources", {"resource_id": linked["scan"].id})
    assert await SessionResource.count().where(SessionResource.session == sid) == 2
    await post_form(organiser_client, f"/organiser/events/{slug}/sessions/{sid}/resources/{linked['phishing'].id}/remove", {})
    assert [r.title for r in await service.resources_of_session(sid)] == ["Weerbaarheidsscan"]
    missing = await post_form(organiser_client, f"/organiser/events/{slug}/resources", {"resource_id": 99999})
    assert missing.status_code == 404


async def test_other_organiser_and_speaker_cannot_link(app, linked, other_organiser, speaker, organiser_token):
    slug = linked["event"]["slug"]
    async with http_client(app) as other:
        await login(other, other_organiser.email)
        assert (await other.get(f"/organiser/events/{slug}/resources")).status_code == 404
        response = await post_form(other, f"/organiser/events/{slug}/resources", {"resource_id": linked["unused"].id})
        assert response.status_code == 404
        sid = linked["session"]["id"]
        response = await post_form(other, f"/organiser/events/{slug}/sessions/{sid}/resources/{linked['phishing'].id}/remove", {})
        assert response.status_code == 404
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as api:
        from events.accounts import service as accounts
        other_token = await accounts.create_api_token(other_organiser.id, label="t")
        response = await api.post(f"/api/events/{slug}/resources", json={"resource_id": linked["unused"].id},
                                  headers={"authorization": f"Bearer {other_token}"})
        assert response.status_code == 404
        response = await api.delete(f"/api/sessions/{linked['session']['id']}/resources/{linked['phishing'].id}",
                                    headers={"authorization": f"Bearer {other_token}"})
        assert response.status_code == 404
        response = await api.post(f"/api/events/{slug}/resources", json={"resource_id": linked["unused"].id},
                                  headers={"authorization": "Bearer wrong-token"})
        assert response.status_code == 401
        mine = await api.post(f"/api/events/{slug}/resources", json={"resource_id": linked["unused"].id},
                              headers={"authorization": f"Bearer {organiser_token}"})
        assert mine.status_code == 201 and len(mine.json()) == 4
    async with http_client(app) as anonymous:
        page = await anonymous.get(f"/organiser/events/{slug}/resources")
        assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
    assert await EventResource.count() == 4


async def test_confirmation_and_reminder_mails_list_the_event_resources(client, app, linked, settings, clock):
    slug = linked["event"]["slug"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as api:
        response = await api.post(f"/api/events/{slug}/registrations", json={"name": "Anna", "email": "anna@gemeente.nl"})
        assert response.status_code == 201, response.text
    confirmed = await OutboxMessage.select().where(OutboxMessage.kind == "confirmed").first()
    if not confirmed["text_body"]:  # queued unrendered (a batch): the deliverer renders it, as here
        confirmed = await registration_mail_composer(ManageLinks.from_settings(settings))(confirmed, clock.now())
    assert "Verder lezen op het Platform weerbare overheid" in confirmed["text_body"]
    assert "Weerbaarheidsscan: https://www.weerbareoverheid.nl/weerbaarheidsscan" in confirmed["text_body"]
    assert "Mystery guest" in confirmed["text_body"] and "Niet gekoppeld" not in confirmed["text_body"]
    assert '<a href="https://www.weerbareoverheid.nl/weerbaarheidsscan">Weerbaarheidsscan</a>' in confirmed["html_body"]
    assert "&amp;" not in confirmed["text_body"]
    starts = linked["event"]["starts_at"]
    assert await queue_due_reminders(starts - timedelta(hours=2), ManageLinks.from_settings(settings)) == 1
    reminder = await OutboxMessage.select().where(OutboxMessage.kind == "reminder").first()
    assert "Nep-phishingmail: https://www.weerbareoverheid.nl/nep-phishingmail" in reminder["text_body"]


async def test_cancellation_mail_has_no_resources(client, app, linked):
    slug = linked["event"]["slug"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as api:
        token = (await api.post(f"/api/events/{slug}/registrations", json={"name": "B", "email": "b@gemeente.nl"})).json()["token"]
    async with http_client(app) as browser:
        page = await browser.get(f"/registrations/{token}/cancel")
        assert page.status_code == 200
        await post_form(browser, f"/registrations/{token}/cancel", {}, )
    cancelled = await OutboxMessage.select().where(OutboxMessage.kind == "cancelled").first()
    assert cancelled is not None and "Weerbaarheidsscan" not in cancelled["text_body"]


async def test_simultaneous_attaches_leave_one_link_and_the_database_refuses_a_second(linked, engine):
    import asyncio

    from events.kernel.database import UNIQUE_VIOLATIONS

    event, session, unused = linked["event"], linked["session"], linked["unused"]
    results = await asyncio.gather(
        *(service.attach_to_event(event["id"], unused.id, engine) for _ in range(8)),
        *(service.attach_to_session(session["id"], unused.id, engine) for _ in range(8)),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert await EventResource.count().where(
        (EventResource.event == event["id"]) & (EventResource.resource == unused.id)
    ) == 1
    assert await SessionResource.count().where(
        (SessionResource.session == session["id"]) & (SessionResource.resource == unused.id)
    ) == 1
    with pytest.raises(UNIQUE_VIOLATIONS):  # the constraint itself, bypassing the service
        await EventResource.insert(EventResource(event=event["id"], resource=unused.id, position=9))


async def test_linked_resources_are_remembered_until_the_library_changes(app, linked, engine, clock):
    """Every registration mail asks for the event's resources: the second ask reads no resource table, and a
    retired resource, an edited title, a detached or newly attached link shows at the next ask."""
    from tests.web.test_query_counts import counting  # noqa: PLC0415 - a helper of another test module

    event_id, session_id = linked["event"]["id"], linked["session"]["id"]
    first, of_session = await service.resources_of_event(event_id), await service.resources_of_session(session_id)
    with counting(engine) as counted:
        assert await service.resources_of_event(event_id) == first
        assert await service.resources_of_session(session_id) == of_session
    assert not [q for q in counted if "resources_" in q], counted

    await service.retire_resource(linked["guest"].id, clock.now())
    assert [r.title for r in await service.resources_of_event(event_id)] == ["Weerbaarheidsscan", "Nep-phishingmail"]
    assert "Mystery guest" in [r.title for r in await service.resources_of_event(event_id, include_retired=True)]
    await service.update_resource(linked["scan"].id, {"title": "Weerbaarheidsscan 2.0"}, clock.now())
    assert (await service.resources_of_event(event_id))[0].title == "Weerbaarheidsscan 2.0"
    await service.detach_from_event(event_id, linked["phishing"].id)
    await service.attach_to_event(event_id, linked["unused"].id, engine)
    assert [r.title for r in await service.resources_of_event(event_id)] == ["Weerbaarheidsscan 2.0", "Niet gekoppeld"]
    await service.attach_to_session(session_id, linked["scan"].id, engine)
    assert len(await service.resources_of_session(session_id)) == 2
