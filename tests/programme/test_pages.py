"""The public site and the organiser's back office over HTTP."""

import re
from datetime import timedelta

import pytest

from events.accounts import service as accounts
from events.programme import service as programme
from events.programme.tables import Event, Session, SessionSpeaker
from tests.conftest import NOW, PASSWORD, get_csrf, http_client, login, post_form
from tests.programme.helpers import END, JOIN_URL, START, make_event


@pytest.fixture
def own_panels_only(monkeypatch):
    """Keeps other domains' panels off the page, for tests about the programme's own content."""
    from events.kernel import sections as panels

    monkeypatch.setattr(panels, "_providers", panels.defaultdict(list))


async def public_routes(client, event, session_id, speaker_id) -> list[str]:
    return [
        "/", "/?kind=conference", "/archive", f"/events/{event['slug']}",
        f"/events/{event['slug']}/sessions/{session_id}", f"/speakers/{speaker_id}", "/privacy",
        "/api/events", "/api/events?kind=conference", f"/api/events/{event['slug']}", f"/api/events/{event['slug']}/sessions",
        "/schema/openapi.json",
    ]


async def test_join_url_never_appears_on_any_public_route(client, organiser, speaker, clock):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await programme.add_speaker(event, session_id, speaker.email, NOW, speaker.name)
    past = await make_event(organiser.id, title="Vorig jaar", starts_at=START - timedelta(days=400), ends_at=END - timedelta(days=400), with_session=False)
    routes = await public_routes(client, event, session_id, speaker.id) + [f"/events/{past['slug']}"]
    seen = 0
    for path in routes:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert JOIN_URL not in response.text and "meet.example.org" not in response.text, path
        assert "join_url" not in response.text or path == "/schema/openapi.json", path
        assert speaker.email not in response.text, path  # no personal data of speakers either
        seen += 1
    # A signed-in organiser looking at the public pages of their own event does not get it there either.
    async with http_client(client._transport.app) as own:
        await login(own, organiser.email)
        for path in routes:
            if path.startswith("/api/") or path.startswith("/schema"):
                continue
            assert JOIN_URL not in (await own.get(path)).text, path
    clock.advance(days=400)  # now the event is in the archive
    archive = await client.get("/archive")
    assert "Weerbare organisatie" in archive.text and JOIN_URL not in archive.text
    assert seen == len(routes)


async def test_the_openapi_document_marks_public_shapes_without_join_url(client):
    spec = (await client.get("/schema/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    public = [name for name in schemas if name.startswith("PublicEvent")]
    assert public and all("join_url" not in schemas[name]["properties"] for name in public)
    assert "programme" in {tag for path in spec["paths"].values() for op in path.values() for tag in op.get("tags", [])}


async def test_drafts_are_invisible_to_the_public(client, organiser):
    event = await make_event(organiser.id, status="draft")
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    for path in (f"/events/{event['slug']}", f"/events/{event['slug']}/sessions/{session_id}",
                 f"/api/events/{event['slug']}", f"/api/events/{event['slug']}/sessions"):
        assert (await client.get(path)).status_code == 404, path
    assert event["title"] not in (await client.get("/")).text
    assert (await client.get("/api/events")).json() == []


async def test_home_lists_upcoming_published_events_filtered_by_kind(client, organiser):
    await make_event(organiser.id, title="Conferentie A")
    await make_event(organiser.id, title="Webinar B", kind="webinar")
    await make_event(organiser.id, title="Concept C", status="draft")
    await make_event(organiser.id, title="Geannuleerd D", status="cancelled")
    await make_event(organiser.id, title="Voorbij E", starts_at=START - timedelta(days=60), ends_at=END - timedelta(days=60), with_session=False)
    home = await client.get("/")
    assert home.status_code == 200 and "events_csrf" not in home.headers.get("set-cookie", "")  # csrf_free
    assert "Conferentie A" in home.text and "Webinar B" in home.text
    assert "Concept C" not in home.text and "Geannuleerd D" not in home.text and "Voorbij E" not in home.text
    webinars = await client.get("/?kind=webinar")
    assert "Webinar B" in webinars.text and "Conferentie A" not in webinars.text
    assert (await client.get("/?kind=<script>")).status_code == 200  # an unknown kind is ignored
    archive = await client.get("/archive")
    assert "Voorbij E" in archive.text and "Conferentie A" not in archive.text


async def test_event_page_shows_local_time_format_venue_agenda_speakers_and_a_call_to_register(client, organiser, speaker, own_panels_only):
    event = await make_event(organiser.id, format="hybrid", venue="Goudse Schouwburg, Gouda")
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await programme.add_speaker(event, session_id, speaker.email, NOW, speaker.name)
    page = await client.get(f"/events/{event['slug']}")
    text = page.text
    assert page.status_code == 200
    assert "zondag 6 december 2026, 9.30 tot 16.30 uur" in text  # Amsterdam time, not UTC; no seconds
    assert "Hybride" in text and "Goudse Schouwburg, Gouda" in text
    assert "Keynote" in text and "Sanne Spreker" in text and f"/speakers/{speaker.id}" in text
    assert 'href="#register"' in text and 'id="register"' in text and "Meld u aan" in text
    assert "<strong>weerbaarheid</strong>" in text
    english = await client.get(f"/events/{event['slug']}?lang=en")
    assert "Sunday 6 December 2026, 9:30 am–4:30 pm" in english.text and "Register for this event" in english.text


async def test_event_page_of_a_cancelled_event_says_so_without_a_call_to_register(client, organiser, own_panels_only):
    event = await make_event(organiser.id, status="cancelled")
    page = await client.get(f"/events/{event['slug']}")
    assert page.status_code == 200 and "geannuleerd" in page.text and 'href="#register"' not in page.text


async def test_event_page_renders_panels_of_its_slot(client, organiser, own_panels_only):
    from events.kernel import sections as panels

    calls = []

    async def provider(event, request, current_user):
        calls.append(event)
        return panels.Section(template="programme/_kind_filter.html", context={})

    panels.provides("event_page")(provider)
    try:
        event = await make_event(organiser.id)
        page = await client.get(f"/events/{event['slug']}")
        assert "Filter op soort evenement" in page.text
        assert calls and "join_url" not in calls[0]  # panels get the public row
    finally:
        panels._providers["event_page"].remove(provider)  # (the fixture restores the registry anyway)


async def test_hostile_description_is_sanitised_on_the_page(client, organiser, own_panels_only):
    event = await make_event(organiser.id, description='<script>alert(1)</script> [x](javascript:alert(2)) <b onmouseover="x()">b</b>')
    page = await client.get(f"/events/{event['slug']}")
    assert "<script>alert(1)" not in page.text and 'href="javascript:' not in page.text and "<b onmouseover" not in page.text


async def test_session_page_and_speaker_page(client, organiser, speaker, own_panels_only):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await programme.add_speaker(event, session_id, speaker.email, NOW, speaker.name)
    await programme.update_speaker_profile(event, speaker.id, {"name": speaker.name, "organisation": "Universiteit", "bio": "Onderzoeker *weerbaarheid*"}, NOW)
    session_page = await client.get(f"/events/{event['slug']}/sessions/{session_id}")
    assert session_page.status_code == 200 and "Keynote" in session_page.text and "Sanne Spreker" in session_page.text
    speaker_page = await client.get(f"/speakers/{speaker.id}")
    assert speaker_page.status_code == 200
    assert "Universiteit" in speaker_page.text and "<em>weerbaarheid</em>" in speaker_page.text and "Keynote" in speaker_page.text
    assert speaker.email not in speaker_page.text
    # a session of another event under this event's address, an unknown speaker, an organiser's account: 404
    other = await make_event(organiser.id, title="Ander")
    other_session = (await programme.sessions_of(other["id"]))[0]["id"]
    assert (await client.get(f"/events/{event['slug']}/sessions/{other_session}")).status_code == 404
    assert (await client.get("/speakers/999999")).status_code == 404
    assert (await client.get(f"/speakers/{organiser.id}")).status_code == 404


async def test_speaker_page_hides_sessions_of_drafts(client, organiser, speaker):
    event = await make_event(organiser.id, status="draft")
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await programme.add_speaker(event, session_id, speaker.email, NOW, speaker.name)
    assert (await client.get(f"/speakers/{speaker.id}")).status_code == 404


async def test_privacy_page_is_dutch_and_names_retention(client, settings):
    page = await client.get("/privacy")
    assert page.status_code == 200 and "Privacyverklaring" in page.text
    assert f"{settings.retention_days} dagen" in page.text and "Autoriteit Persoonsgegevens" in page.text


# --- the back office -------------------------------------------------------------------------------------------


async def test_back_office_needs_an_organiser(client, organiser, speaker):
    event = await make_event(organiser.id)
    paths = ["/organiser", "/organiser/new-event", f"/organiser/events/{event['slug']}",
             f"/organiser/events/{event['slug']}/edit", f"/organiser/events/{event['slug']}/programme"]
    for path in paths:
        response = await client.get(path)
        assert response.status_code in (302, 303) and response.headers["location"].startswith("/login"), path
    token = await accounts.create_personal_link(speaker.id, NOW)
    await client.get(f"/p/{token}")
    for path in paths:
        assert (await client.get(path)).status_code == 403, path


async def test_another_organisation_gets_404_on_every_page_and_action(client, organiser, other_organiser):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await login(client, other_organiser.email)
    slug = event["slug"]
    for path in (f"/organiser/events/{slug}", f"/organiser/events/{slug}/edit", f"/organiser/events/{slug}/programme",
                 f"/organiser/events/{slug}/status/cancel", f"/organiser/events/{slug}/sessions/{session_id}/edit",
                 f"/organiser/events/{slug}/sessions/{session_id}/delete", f"/organiser/events/{slug}/delete"):
        assert (await client.get(path)).status_code == 404, path
    for path, data in (
        (f"/organiser/events/{slug}/edit", {"title": "Gekaapt"}),
        (f"/organiser/events/{slug}/status/cancel", {}),
        (f"/organiser/events/{slug}/programme", {"title": "x"}),
        (f"/organiser/events/{slug}/sessions/{session_id}/delete", {}),
        (f"/organiser/events/{slug}/sessions/{session_id}/speakers", {"email": "a@b.nl"}),
        (f"/organiser/events/{slug}/delete", {}),
    ):
        assert (await post_form(client, path, data)).status_code == 404, path
    row = await programme.event_by_id(event["id"])
    assert row["title"] == "Weerbare organisatie" and row["status"] == "published"
    assert await Session.count() == 1 and await SessionSpeaker.count() == 0
    listing = await client.get("/organiser")
    assert "Weerbare organisatie" not in listing.text
    assert (await client.get("/organiser/events/bestaat-niet")).status_code == 404


async def test_the_platform_admin_does_not_manage_organisations_events(client, organiser, admin):
    # admin is the platform role (organisations, the shared library); events are their organisation's.
    event = await make_event(organiser.id)
    await login(client, admin.email)
    assert "Weerbare organisatie" not in (await client.get("/organiser")).text
    assert (await client.get(f"/organiser/events/{event['slug']}")).status_code == 404


def form(**overrides):
    data = {
        "title": "Crisisoefening Gouda", "kind": "festival", "format": "onsite", "summary": "Oefenen",
        "description": "", "starts_at": "2026-12-10T10:00", "ends_at": "2026-12-10T16:00",
        "timezone": "Europe/Amsterdam", "language": "nl", "venue": "Stadhuis Gouda", "join_url": "", "capacity": "40",
        "registration_opens_at": "", "registration_closes_at": "", "upload_deadline": "", "reminder_minutes": "",
        "contact_name": "Olga", "contact_email": "olga@gemeente.nl",
    }
    data.update(overrides)
    return data


async def test_create_event_form_creates_a_draft_and_shows_the_dashboard(organiser_client, organiser):
    page = await organiser_client.get("/organiser/new-event")
    assert page.status_code == 200 and 'name="_csrf_token"' in page.text
    response = await post_form(organiser_client, "/organiser/new-event", form())
    assert response.status_code == 303 and response.headers["location"].startswith("/organiser/events/crisisoefening-gouda")
    row = await Event.select().where(Event.slug == "crisisoefening-gouda").first()
    assert row["status"] == "draft" and row["organiser"] == organiser.id and row["capacity"] == 40
    assert row["starts_at"].isoformat() == "2026-12-10T09:00:00+00:00"  # 10:00 in Amsterdam
    dashboard = await organiser_client.get(response.headers["location"])
    assert "Concept" in dashboard.text and "/organiser/events/crisisoefening-gouda/status/publish" in dashboard.text
    assert "opgeslagen" in dashboard.text


async def test_invalid_form_shows_dutch_inline_errors_and_a_summary(organiser_client):
    response = await post_form(
        organiser_client, "/organiser/new-event",
        form(title="", format="hybrid", venue="", join_url="javascript:alert(1)", ends_at="2026-12-10T09:00", capacity="0", timezone="Nergens/Niets"),
    )
    assert response.status_code == 400
    text = response.text
    assert 'id="error-summary"' in text and 'href="#field-title"' in text
    for message in ("Vul een titel in", "Het einde moet na het begin liggen", "Een evenement op locatie of hybride evenement heeft een locatie nodig",
                    "Vul een webadres in dat begint met https:// of http://", "Het aantal plaatsen moet minstens 1 zijn",
                    "Kies een geldige tijdzone"):
        assert message in text, message
    assert 'id="error-venue"' in text and 'aria-describedby="hint-venue error-venue"' in text
    assert 'aria-invalid="true"' in text
    assert 'value="Nergens/Niets"' in text  # what was typed stays
    assert await Event.count() == 0


async def test_the_event_form_refuses_reminders_the_calendar_would_drop(organiser_client):
    for refused in ("86400", "10,20,30,40,50,60", "5"):
        response = await post_form(organiser_client, "/organiser/new-event", form(reminder_minutes=refused))
        assert response.status_code == 400, refused
        assert "Vul hoogstens 5 herinneringen in, elk 10 tot en met 40320 minuten (28 dagen) vóór het begin" in response.text
        assert 'aria-describedby="hint-reminder_minutes error-reminder_minutes"' in response.text
    assert await Event.count() == 0
    response = await post_form(organiser_client, "/organiser/new-event", form(reminder_minutes="40320, 15"))
    assert response.status_code == 303
    assert (await Event.select(Event.reminder_minutes).first())["reminder_minutes"] == "40320,15"


async def test_edit_form_saves_and_raises_sequence_only_for_calendar_changes(organiser_client, organiser):
    event = await make_event(organiser.id, with_session=False)
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/edit")
    assert 'value="2026-12-06T09:30"' in page.text  # shown in the event's timezone
    values = dict(
        title=event["title"], kind="conference", format="online", summary="Nieuwe samenvatting", description="",
        starts_at="2026-12-06T09:30", ends_at="2026-12-06T16:30", venue="", join_url=JOIN_URL, capacity="500",
        contact_name="", contact_email="", reminder_minutes=event["reminder_minutes"],  # the form sends the schedule
    )
    response = await post_form(organiser_client, f"/organiser/events/{event['slug']}/edit", form(**values))
    assert response.status_code == 303
    row = await programme.event_by_id(event["id"])
    assert row["summary"] == "Nieuwe samenvatting" and row["sequence"] == event["sequence"]
    response = await post_form(organiser_client, f"/organiser/events/{event['slug']}/edit", form(**{**values, "starts_at": "2026-12-06T09:00"}))
    assert response.status_code == 303
    assert (await programme.event_by_id(event["id"]))["sequence"] == event["sequence"] + 1


async def test_status_changes_have_a_confirmation_step(organiser_client, organiser, own_panels_only):
    event = await make_event(organiser.id, status="draft")
    slug = event["slug"]
    confirm = await organiser_client.get(f"/organiser/events/{slug}/status/publish")
    assert confirm.status_code == 200 and "Dit evenement publiceren?" in confirm.text
    assert f'action="/organiser/events/{slug}/status/publish"' in confirm.text
    assert (await programme.event_by_id(event["id"]))["status"] == "draft"  # looking changes nothing
    assert (await post_form(organiser_client, f"/organiser/events/{slug}/status/publish", {})).status_code == 303
    assert (await client_get_status(organiser_client, slug)) == 200
    assert (await post_form(organiser_client, f"/organiser/events/{slug}/status/unpublish", {})).status_code == 303
    assert (await programme.event_by_id(event["id"]))["status"] == "draft"
    assert (await post_form(organiser_client, f"/organiser/events/{slug}/status/cancel", {})).status_code == 303
    assert (await programme.event_by_id(event["id"]))["status"] == "cancelled"
    again = await post_form(organiser_client, f"/organiser/events/{slug}/status/cancel", {})
    assert again.status_code == 409 and "al geannuleerd" in again.text
    assert (await organiser_client.get(f"/organiser/events/{slug}/status/explode")).status_code == 404


async def test_a_draft_is_deleted_after_a_confirmation_step_and_a_published_event_is_not(organiser_client, organiser, own_panels_only):
    draft = await make_event(organiser.id, status="draft", title="Concept dat weg mag")
    published = await make_event(organiser.id, title="Gepubliceerd evenement")
    dashboard = await organiser_client.get(f"/organiser/events/{draft['slug']}")
    assert f'href="/organiser/events/{draft["slug"]}/delete"' in dashboard.text
    assert "/delete" not in (await organiser_client.get(f"/organiser/events/{published['slug']}")).text.replace("/sessions/", "")

    refused = await organiser_client.get(f"/organiser/events/{published['slug']}/delete")
    assert refused.status_code == 409 and "Alleen een concept kan worden verwijderd" in refused.text
    assert "<form" not in refused.text.split("<main", 1)[1]  # no button to press
    assert (await post_form(organiser_client, f"/organiser/events/{published['slug']}/delete", {})).status_code == 409
    assert await programme.event_by_id(published["id"]) is not None

    confirm = await organiser_client.get(f"/organiser/events/{draft['slug']}/delete")
    assert confirm.status_code == 200 and "Dit evenement verwijderen?" in confirm.text
    assert await programme.event_by_id(draft["id"]) is not None  # looking changes nothing
    done = await post_form(organiser_client, f"/organiser/events/{draft['slug']}/delete", {})
    assert done.status_code == 303 and done.headers["location"] == "/organiser?deleted=1"
    listing = await organiser_client.get(done.headers["location"])
    assert "Het evenement is verwijderd." in listing.text and "Concept dat weg mag" not in listing.text
    assert await programme.event_by_id(draft["id"]) is None


async def client_get_status(client, slug):
    return (await client.get(f"/events/{slug}")).status_code


async def test_status_change_without_csrf_token_is_refused(organiser_client, organiser):
    event = await make_event(organiser.id)
    await get_csrf(organiser_client)
    response = await organiser_client.post(f"/organiser/events/{event['slug']}/status/cancel", data={})
    assert response.status_code == 403
    assert (await programme.event_by_id(event["id"]))["status"] == "published"


async def test_programme_editor_adds_edits_orders_and_deletes_sessions(organiser_client, organiser):
    event = await make_event(organiser.id, with_session=False)
    base = f"/organiser/events/{event['slug']}"
    late = {"title": "Afsluiting", "kind": "talk", "starts_at": "2026-12-06T16:00", "ends_at": "2026-12-06T16:30", "room": "", "track": "", "abstract": ""}
    early = {**late, "title": "Opening", "starts_at": "2026-12-06T09:30", "ends_at": "2026-12-06T09:45", "room": "Zaal 1", "track": "Plenair"}
    assert (await post_form(organiser_client, f"{base}/programme", late)).status_code == 303
    assert (await post_form(organiser_client, f"{base}/programme", early)).status_code == 303
    page = await organiser_client.get(f"{base}/programme")
    assert page.text.index("Opening") < page.text.index("Afsluiting")  # by time, not by creation
    assert "Zaal 1" in page.text and "Plenair" in page.text
    outside = await post_form(organiser_client, f"{base}/programme", {**late, "title": "Te laat", "ends_at": "2026-12-06T18:00"})
    assert outside.status_code == 400 and "binnen het begin en einde van het evenement" in outside.text
    sessions = await programme.sessions_of(event["id"])
    opening = next(s for s in sessions if s["title"] == "Opening")
    moved = {**early, "starts_at": "2026-12-06T16:30", "ends_at": "2026-12-06T16:30"}
    bad = await post_form(organiser_client, f"{base}/sessions/{opening['id']}/edit", moved)
    assert bad.status_code == 400 and "Het einde moet na het begin liggen" in bad.text
    ok = await post_form(organiser_client, f"{base}/sessions/{opening['id']}/edit", {**moved, "starts_at": "2026-12-06T16:10"})
    assert ok.status_code == 303
    page = await organiser_client.get(f"{base}/programme")
    assert page.text.index("Afsluiting") < page.text.index("Opening")  # reordered by its new time
    confirm = await organiser_client.get(f"{base}/sessions/{opening['id']}/delete")
    assert confirm.status_code == 200 and "verwijderen?" in confirm.text
    assert (await post_form(organiser_client, f"{base}/sessions/{opening['id']}/delete", {})).status_code == 303
    assert [s["title"] for s in await programme.sessions_of(event["id"])] == ["Afsluiting"]


async def _mailed_tokens(address: str) -> list[str]:
    from events.mail.tables import OutboxMessage

    rows = await OutboxMessage.select(OutboxMessage.text_body).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return [t for row in rows for t in re.findall(r"http://testserver\.local/p/([A-Za-z0-9_\-]+)", row["text_body"])]


async def test_adding_a_speaker_mails_the_personal_link_and_a_new_link_revokes_it(organiser_client, organiser, client):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    base = f"/organiser/events/{event['slug']}"
    response = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers",
                               {"email": "nina@gemeente.nl", "name": "Nina Nieuw", "organisation": "Gemeente Gouda"})
    assert response.status_code == 200 and "Verstuurd naar nina@gemeente.nl." in response.text
    assert "/p/" not in response.text and response.headers.get("cache-control") != "public"
    [link] = await _mailed_tokens("nina@gemeente.nl")
    speaker = await accounts.get_or_create_speaker("nina@gemeente.nl")
    assert speaker[0].role == "speaker" and speaker[1] is False
    again = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers", {"email": "nina@gemeente.nl"})
    assert "/p/" not in again.text and "Verstuurd naar nina@gemeente.nl." in again.text
    renewed = await post_form(organiser_client, f"{base}/speakers/{speaker[0].id}/link", {})
    assert renewed.status_code == 200 and "/p/" not in renewed.text and "nieuwe persoonlijke link naar nina@gemeente.nl" in renewed.text
    [_, new_link] = await _mailed_tokens("nina@gemeente.nl")
    assert new_link != link
    assert (await client.get(f"/p/{link}")).status_code == 404  # the old link stopped working
    assert (await client.get(f"/p/{new_link}")).status_code == 303
    bad = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers", {"email": "geen adres"})
    assert bad.status_code == 400 and "Vul een geldig e-mailadres in" in bad.text
    removed = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers/{speaker[0].id}/remove", {})
    assert removed.status_code == 303 and await SessionSpeaker.count() == 0


async def test_adding_an_organiser_as_speaker_never_yields_a_link_to_their_account(organiser_client, organiser, other_organiser, client):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    base = f"/organiser/events/{event['slug']}"
    response = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers", {"email": other_organiser.email})
    assert response.status_code == 200 and "/p/" not in response.text
    assert f"Verstuurd naar {other_organiser.email}." in response.text  # the same answer as for anyone
    assert await _mailed_tokens(other_organiser.email) == []  # told by mail to sign in with their own account
    assert (await post_form(organiser_client, f"{base}/speakers/{other_organiser.id}/link", {})).status_code == 403


async def test_organiser_list_shows_state_and_panel_columns(organiser_client, organiser):
    from events.kernel import sections as panels

    async def counts(events, request):
        return panels.Section(template="", context={"columns": ["Aanmeldingen"], "values": {e["id"]: [7] for e in events}})

    panels.provides("organiser_event_list")(counts)
    try:
        await make_event(organiser.id, status="draft", title="Mijn concept")
        page = await organiser_client.get("/organiser")
        assert "Mijn concept" in page.text and "Concept" in page.text
        assert "<th scope=\"col\">Aanmeldingen</th>" in page.text and "<td>7</td>" in page.text
    finally:
        panels._providers["organiser_event_list"].remove(counts)


@pytest.mark.parametrize("path", ["/", "/archive", "/privacy"])
async def test_public_pages_work_for_signed_in_users_too(client, organiser, path):
    await login(client, organiser.email, PASSWORD)
    assert (await client.get(path)).status_code == 200


async def test_organiser_edits_a_speaker_profile_shown_on_the_speaker_page(organiser_client, organiser, other_organiser, speaker, client):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await programme.add_speaker(event, session_id, speaker.email, NOW, speaker.name)
    await programme.add_speaker(event, session_id, other_organiser.email, NOW)
    url = f"/organiser/events/{event['slug']}/speakers/{speaker.id}/profile"
    assert (await organiser_client.get(url)).status_code == 200
    bad = await post_form(organiser_client, url, {"name": "", "organisation": "", "bio": ""})
    assert bad.status_code == 400 and "Vul de naam van de spreker in" in bad.text
    saved = await post_form(organiser_client, url, {"name": "Sanne de Spreker", "organisation": "TU Delft", "bio": "Onderzoekt *crises*."})
    assert saved.status_code == 303
    page = await client.get(f"/speakers/{speaker.id}")
    assert "Sanne de Spreker" in page.text and "TU Delft" in page.text and "<em>crises</em>" in page.text
    # not an organiser's own account, and not for a speaker of someone else's event
    assert (await organiser_client.get(f"/organiser/events/{event['slug']}/speakers/{other_organiser.id}/profile")).status_code == 403
    other_event = await make_event(organiser.id, title="Ander")
    assert (await organiser_client.get(f"/organiser/events/{other_event['slug']}/speakers/{speaker.id}/profile")).status_code == 404
    await login(client, other_organiser.email)
    assert (await post_form(client, url, {"name": "Gekaapt"})).status_code == 404
    # The organisation's own profile changed; the account (and other organisations' profiles) did not.
    assert [s.name for s in await programme.speakers_of_session(session_id)][0] == "Sanne de Spreker"
    assert (await accounts.get_user(speaker.id)).name == "Sanne Spreker"
