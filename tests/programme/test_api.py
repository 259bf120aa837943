"""The /api/events API: public answers without join URL, organiser endpoints with tokens, sessions, errors."""

from datetime import timedelta

from events.accounts import service as accounts
from events.ical.build import MAX_ALARM_MINUTES, MAX_ALARMS
from events.programme import service as programme
from events.programme.tables import Event, Session
from tests.conftest import NOW, login
from tests.programme.helpers import END, JOIN_URL, START, make_event


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


NEW_EVENT = {
    "title": "Webinar integrale veiligheid",
    "kind": "webinar",
    "format": "online",
    "starts_at": "2028-01-20T13:00:00+01:00",
    "ends_at": "2028-01-20T15:00:00+01:00",
    "join_url": "https://meet.example.org/cot",
    "capacity": 100,
}


async def test_list_is_public_published_only_without_join_url_and_filterable(client, organiser):
    await make_event(organiser.id, title="Conferentie")
    await make_event(
        organiser.id, title="Webinar", kind="webinar", starts_at=START + timedelta(days=30), ends_at=END + timedelta(days=30),
        with_session=False,
    )
    await make_event(organiser.id, title="Concept", status="draft")
    response = await client.get("/api/events")
    assert response.status_code == 200
    events = response.json()
    assert [e["title"] for e in events] == ["Conferentie", "Webinar"]
    assert all("join_url" not in e and "organiser" not in e for e in events) and JOIN_URL not in response.text
    assert events[0]["starts_at"] == "2026-12-06T09:30:00+01:00"  # ISO 8601 with the event's offset
    assert events[0]["url"] == "http://testserver.local/events/conferentie"
    assert [e["title"] for e in (await client.get("/api/events?kind=webinar")).json()] == ["Webinar"]
    assert [e["title"] for e in (await client.get("/api/events", params={"from": "2026-12-07T00:00:00+01:00"})).json()] == ["Webinar"]
    assert [e["title"] for e in (await client.get("/api/events", params={"to": "2026-12-07T00:00:00Z"})).json()] == ["Conferentie"]
    bad = await client.get("/api/events?kind=feest")
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "kind"
    bad = await client.get("/api/events", params={"from": "gisteren"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "from"


async def test_one_event_with_its_programme(client, organiser, speaker):
    event = await make_event(organiser.id, description="<script>x</script> **vet**")
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    await programme.add_speaker(event, session_id, speaker.email, NOW, speaker.name)
    response = await client.get(f"/api/events/{event['slug']}")
    assert response.status_code == 200
    body = response.json()
    assert "join_url" not in body and JOIN_URL not in response.text and speaker.email not in response.text
    assert body["sessions"][0]["title"] == "Keynote" and body["sessions"][0]["speakers"][0]["name"] == "Sanne Spreker"
    assert "<script>" not in body["description_html"] and "<strong>vet</strong>" in body["description_html"]
    assert (await client.get("/api/events/bestaat-niet")).status_code == 404


async def test_create_needs_an_organiser_and_answers_201_with_the_slug(client, organiser, organiser_token, speaker):
    assert (await client.post("/api/events", json=NEW_EVENT)).status_code == 401
    speaker_token = await accounts.create_api_token(speaker.id)
    assert (await client.post("/api/events", json=NEW_EVENT, headers=bearer(speaker_token))).status_code == 403
    assert (await client.post("/api/events", json=NEW_EVENT, headers=bearer("not-a-token"))).status_code == 401
    response = await client.post("/api/events", json=NEW_EVENT, headers=bearer(organiser_token))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "webinar-integrale-veiligheid" and body["status"] == "draft"
    assert body["join_url"] == "https://meet.example.org/cot"  # the organiser's own answer may carry it
    assert body["starts_at"] == "2028-01-20T13:00:00+01:00"
    again = await client.post("/api/events", json=NEW_EVENT, headers=bearer(organiser_token))
    assert again.json()["slug"] == "webinar-integrale-veiligheid-2"
    chosen = await client.post("/api/events", json={**NEW_EVENT, "slug": "COT Webinar"}, headers=bearer(organiser_token))
    assert chosen.json()["slug"] == "cot-webinar"


async def test_create_with_broken_rules_answers_400_with_the_fields(client, organiser_token):
    response = await client.post(
        "/api/events",
        json={**NEW_EVENT, "format": "hybrid", "join_url": "javascript:alert(1)", "ends_at": "2028-01-20T12:00:00+01:00",
              "timezone": "Europe/Atlantis", "capacity": 0},
        headers=bearer(organiser_token),
    )
    assert response.status_code == 400
    fields = {item["key"]: item["message"] for item in response.json()["extra"]}
    assert fields == {
        "ends_at": "The end must be after the start",
        "venue": "An onsite or hybrid event needs a venue",
        "join_url": "Enter a web address that starts with https:// or http://",
        "timezone": "Choose a valid time zone, such as Europe/Amsterdam",
        "capacity": "The capacity must be at least 1, or empty for no limit",
    }
    malformed = await client.post("/api/events", json={**NEW_EVENT, "starts_at": "morgen"}, headers=bearer(organiser_token))
    assert malformed.status_code == 400
    unknown = await client.post("/api/events", json={**NEW_EVENT, "status": "published"}, headers=bearer(organiser_token))
    assert unknown.status_code == 400  # status only changes through publish/cancel
    assert await Event.count() == 0


async def test_patch_changes_only_what_is_sent_and_reports_sequence(client, organiser, organiser_token):
    event = await make_event(organiser.id, status="draft", with_session=False)
    url = f"/api/events/{event['slug']}"
    response = await client.patch(url, json={"summary": "Nieuw"}, headers=bearer(organiser_token))
    assert response.status_code == 200 and response.json()["summary"] == "Nieuw" and response.json()["sequence"] == 0
    assert response.json()["title"] == "Weerbare organisatie"
    response = await client.patch(url, json={"title": "Weerbare organisatie 2026", "capacity": None}, headers=bearer(organiser_token))
    body = response.json()
    assert body["sequence"] == 1 and body["capacity"] is None and body["slug"] == event["slug"]
    bad = await client.patch(url, json={"join_url": ""}, headers=bearer(organiser_token))
    assert bad.status_code == 400 and bad.json()["extra"] == [{"key": "join_url", "message": "An online or hybrid event needs a join URL"}]


async def test_publish_and_cancel(client, organiser, organiser_token):
    event = await make_event(organiser.id, status="draft", with_session=False)
    slug = event["slug"]
    assert (await client.get(f"/api/events/{slug}")).status_code == 404
    published = await client.post(f"/api/events/{slug}/publish", headers=bearer(organiser_token))
    assert published.status_code == 200 and published.json()["status"] == "published" and published.json()["sequence"] == 1
    public = await client.get(f"/api/events/{slug}")
    assert public.status_code == 200 and "join_url" not in public.json()
    cancelled = await client.post(f"/api/events/{slug}/cancel", headers=bearer(organiser_token))
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["sequence"] == 2
    assert (await client.post(f"/api/events/{slug}/cancel", headers=bearer(organiser_token))).status_code == 409
    assert (await client.get(f"/api/events/{slug}")).json()["status"] == "cancelled"
    assert [e["slug"] for e in (await client.get("/api/events")).json()] == []
    assert (await client.post(f"/api/events/{slug}/unpublish", headers=bearer(organiser_token))).status_code == 409
    assert (await client.post(f"/api/events/{slug}/publish", headers=bearer(organiser_token))).status_code == 200


async def test_another_organisation_gets_404_on_every_api_write(client, organiser, other_organiser):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    token = await accounts.create_api_token(other_organiser.id)
    slug = event["slug"]
    session = {"title": "x", "starts_at": "2026-12-06T10:00:00+01:00", "ends_at": "2026-12-06T11:00:00+01:00"}
    calls = [
        ("PATCH", f"/api/events/{slug}", {"title": "Gekaapt"}),
        ("POST", f"/api/events/{slug}/publish", None),
        ("POST", f"/api/events/{slug}/cancel", None),
        ("POST", f"/api/events/{slug}/sessions", session),
        ("PATCH", f"/api/events/{slug}/sessions/{session_id}", {"title": "Gekaapt"}),
        ("DELETE", f"/api/events/{slug}/sessions/{session_id}", None),
        ("DELETE", f"/api/events/{slug}", None),
        ("POST", f"/api/events/{slug}/sessions/{session_id}/speakers", {"email": "a@b.nl"}),
        ("GET", f"/api/organiser/events/{slug}", None),
    ]
    for method, url, body in calls:
        response = await client.request(method, url, json=body, headers=bearer(token))
        # Another organisation's event answers as a missing one does: its slug is not even confirmed.
        assert response.status_code == 404, (method, url, response.text)
        client.cookies.clear()
        anonymous = await client.request(method, url, json=body)
        assert anonymous.status_code == 401, (method, url)
    row = await programme.event_by_id(event["id"])
    assert row["title"] == "Weerbare organisatie" and row["status"] == "published" and await Session.count() == 1
    assert (await client.get("/api/organiser/events", headers=bearer(token))).json() == []
    assert (await client.patch("/api/events/bestaat-niet", json={}, headers=bearer(token))).status_code == 404


async def test_sessions_list_create_update_delete(client, organiser, organiser_token):
    event = await make_event(organiser.id, with_session=False)
    url = f"/api/events/{event['slug']}/sessions"
    created = await client.post(
        url, headers=bearer(organiser_token),
        json={"title": "Panel", "kind": "panel", "starts_at": "2026-12-06T11:30:00+01:00", "ends_at": "2026-12-06T12:30:00+01:00", "room": "Studio"},
    )
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    assert created.json()["starts_at"] == "2026-12-06T11:30:00+01:00"
    early = await client.post(url, headers=bearer(organiser_token),
                              json={"title": "Opening", "starts_at": "2026-12-06T09:30:00+01:00", "ends_at": "2026-12-06T09:45:00+01:00"})
    assert early.status_code == 201
    listed = await client.get(url)
    assert [s["title"] for s in listed.json()] == ["Opening", "Panel"]
    outside = await client.post(url, headers=bearer(organiser_token),
                                json={"title": "Nacht", "starts_at": "2026-12-06T23:00:00+01:00", "ends_at": "2026-12-07T00:30:00+01:00"})
    assert outside.status_code == 400 and outside.json()["extra"][0]["key"] == "starts_at"
    patched = await client.patch(f"{url}/{session_id}", headers=bearer(organiser_token), json={"title": "Panel met onderzoekers", "track": "Onderzoek"})
    assert patched.status_code == 200 and patched.json()["title"] == "Panel met onderzoekers" and patched.json()["room"] == "Studio"
    bad = await client.patch(f"{url}/{session_id}", headers=bearer(organiser_token), json={"kind": "feest"})
    assert bad.status_code == 400 and bad.json()["extra"][0] == {"key": "kind", "message": "Choose talk, panel, workshop, quiz or break"}
    deleted = await client.delete(f"{url}/{session_id}", headers=bearer(organiser_token))
    assert deleted.status_code == 204
    assert (await client.delete(f"{url}/{session_id}", headers=bearer(organiser_token))).status_code == 404
    assert [s["title"] for s in (await client.get(url)).json()] == ["Opening"]


async def test_sessions_of_a_draft_only_for_its_organiser(client, organiser, organiser_token, other_organiser):
    event = await make_event(organiser.id, status="draft")
    url = f"/api/events/{event['slug']}/sessions"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=bearer(organiser_token))).status_code == 200
    other = await accounts.create_api_token(other_organiser.id)
    assert (await client.get(url, headers=bearer(other))).status_code == 404


async def test_add_speaker_answers_only_where_the_mail_went(client, organiser, organiser_token):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    url = f"/api/events/{event['slug']}/sessions/{session_id}/speakers"
    first = await client.post(url, json={"email": "Nina@Gemeente.nl", "name": "Nina"}, headers=bearer(organiser_token))
    assert first.status_code == 201 and first.json() == {"sent_to": "nina@gemeente.nl"}
    second = await client.post(url, json={"email": "nina@gemeente.nl"}, headers=bearer(organiser_token))
    assert second.json() == first.json()
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/events/{slug}/sessions/{session_id}/speakers"]["post"]
    assert "never part of this answer" in operation["description"]
    bad = await client.post(url, json={"email": "nee"}, headers=bearer(organiser_token))
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "email"


async def test_organiser_api_lists_own_events_with_join_url(client, organiser, organiser_token, other_organiser, admin):
    await make_event(organiser.id)
    await make_event(other_organiser.id, title="Van een ander")
    mine = (await client.get("/api/organiser/events", headers=bearer(organiser_token))).json()
    assert [e["title"] for e in mine] == ["Weerbare organisatie"] and mine[0]["join_url"] == JOIN_URL
    # The platform admin runs organisations and the shared library, not other organisations' events.
    admin_token = await accounts.create_api_token(admin.id)
    assert (await client.get("/api/organiser/events", headers=bearer(admin_token))).json() == []


async def test_api_with_session_cookie_needs_the_csrf_header(client, organiser):
    await login(client, organiser.email)
    refused = await client.post("/api/events", json=NEW_EVENT)
    assert refused.status_code == 403
    token = client.cookies.get("events_csrf")
    accepted = await client.post("/api/events", json=NEW_EVENT, headers={"x-csrftoken": token})
    assert accepted.status_code == 201


async def test_only_a_draft_without_registrations_can_be_deleted(client, organiser, organiser_token, speaker):
    from events.quiz import service as quizzes
    from events.registration.tables import Registration
    from events.resources.tables import EventResource, Resource

    draft = await make_event(organiser.id, status="draft")
    session_id = (await programme.sessions_of(draft["id"]))[0]["id"]
    await programme.add_speaker(draft, session_id, speaker.email, NOW, speaker.name)
    await quizzes.create_quiz(draft["id"], "Oefenquiz")
    resource = await Resource.insert(Resource(title="Scan", url="https://example.org/scan", aspect="voorbereiding", kind="scan"))
    await EventResource.insert(EventResource(event=draft["id"], resource=resource[0]["id"]))

    published = await make_event(organiser.id, title="Gepubliceerd")
    refused = await client.delete(f"/api/events/{published['slug']}", headers=bearer(organiser_token))
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a draft can be deleted; cancel a published event instead"

    # unpublished again after people registered: a draft, but its registrations are never erased with it
    await Registration.insert(Registration(event=published["id"], name="Anna", email="anna@gemeente.example",
                                           email_normalised="anna@gemeente.example", token_hash="a" * 64, token_nonce="n"))
    assert (await client.post(f"/api/events/{published['slug']}/unpublish", headers=bearer(organiser_token))).status_code == 200
    kept = await client.delete(f"/api/events/{published['slug']}", headers=bearer(organiser_token))
    assert kept.status_code == 409 and await Registration.count() == 1
    assert kept.json()["detail"] == "People have registered for this event, so it cannot be deleted; cancel it instead"

    deleted = await client.delete(f"/api/events/{draft['slug']}", headers=bearer(organiser_token))
    assert deleted.status_code == 204, deleted.text
    assert await programme.event_by_id(draft["id"]) is None
    assert await Session.count().where(Session.event == draft["id"]) == 0
    assert await quizzes.quizzes_of_event(draft["id"]) == []
    assert await EventResource.count() == 0 and await Resource.count() == 1  # the library keeps the resource
    assert (await client.delete(f"/api/events/{draft['slug']}", headers=bearer(organiser_token))).status_code == 404
    assert await programme.event_by_id(published["id"]) is not None


async def test_reminders_are_what_the_calendar_carries_and_the_schema_says_so(client, organiser, organiser_token):
    for refused in ("86400", str(MAX_ALARM_MINUTES + 1), "0", "9", ",".join(str(m) for m in range(10, MAX_ALARMS + 11))):
        response = await client.post("/api/events", json={**NEW_EVENT, "reminder_minutes": refused}, headers=bearer(organiser_token))
        assert response.status_code == 400, refused
        assert response.json()["extra"] == [{"key": "reminder_minutes", "message": programme.REMINDER_RULE}]
    assert await Event.count() == 0
    most = ",".join(str(MAX_ALARM_MINUTES - m) for m in range(MAX_ALARMS))
    created = await client.post("/api/events", json={**NEW_EVENT, "reminder_minutes": most}, headers=bearer(organiser_token))
    assert created.status_code == 201 and created.json()["reminder_minutes"] == most
    url = f"/api/events/{created.json()['slug']}"
    patched = await client.patch(url, json={"reminder_minutes": f"{most},10"}, headers=bearer(organiser_token))
    assert patched.status_code == 400 and patched.json()["extra"][0]["key"] == "reminder_minutes"

    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    for shape in ("EventWrite", "EventPatch"):
        description = schemas[shape]["properties"]["reminder_minutes"]["description"]
        assert f"at most {MAX_ALARMS}" in description and f"each 10 to {MAX_ALARM_MINUTES} minutes" in description


async def test_a_new_event_gets_the_standard_reminder_schedule(client, organiser, organiser_token):
    created = await client.post("/api/events", json=NEW_EVENT, headers=bearer(organiser_token))
    assert created.status_code == 201
    assert created.json()["reminder_minutes"] == "1440,60"
    assert created.json()["reminders"] == [
        {"minutes_before": 1440, "text_nl": "", "text_en": ""}, {"minutes_before": 60, "text_nl": "", "text_en": ""},
    ]


async def test_reminders_with_texts_replace_the_schedule_and_follow_the_same_rule(client, organiser, organiser_token):
    created = (await client.post("/api/events", json=NEW_EVENT, headers=bearer(organiser_token))).json()
    url = f"/api/events/{created['slug']}"
    reminders = [{"minutes_before": 2880, "text_nl": "Over twee dagen: {title} om {time}. {join_link}"},
                 {"minutes_before": 30, "text_en": "Soon: {title}. {manage_link}"}]
    patched = await client.patch(url, json={"reminders": reminders}, headers=bearer(organiser_token))
    assert patched.status_code == 200, patched.text
    assert patched.json()["reminder_minutes"] == "2880,30"  # the calendar's alarms follow the same schedule
    assert patched.json()["reminders"] == [
        {"minutes_before": 2880, "text_nl": "Over twee dagen: {title} om {time}. {join_link}", "text_en": ""},
        {"minutes_before": 30, "text_nl": "", "text_en": "Soon: {title}. {manage_link}"},
    ]
    # Changing only the minutes keeps the texts of the reminders that stay.
    kept = await client.patch(url, json={"reminder_minutes": "2880"}, headers=bearer(organiser_token))
    assert kept.json()["reminders"] == [reminders[0] | {"text_en": ""}]
    for refused, message in (
        ([{"minutes_before": 5}], programme.REMINDER_RULE),
        ([{"minutes_before": m} for m in range(10, 16)], programme.REMINDER_RULE),
        ([{"minutes_before": 60, "text_nl": "Hallo {naam}"}], programme.REMINDER_TEXT_RULE),
        ([{"minutes_before": 60, "text_en": "x" * 2001}], programme.REMINDER_TEXT_RULE),
    ):
        response = await client.patch(url, json={"reminders": refused}, headers=bearer(organiser_token))
        assert response.status_code == 400, refused
        assert response.json()["extra"] == [{"key": "reminders", "message": message}]
    assert (await client.get(f"/api/organiser/events/{created['slug']}", headers=bearer(organiser_token))).json()[
        "reminder_minutes"] == "2880"
