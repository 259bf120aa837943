"""The public registration API: created/existing/closed/invalid answers, the manage token, cancelling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from events.mail.tables import OutboxMessage
from events.registration.tables import Registration
from tests.conftest import NOW


async def register(api, slug, email, name="Anna de Vries", **extra):
    return await api.post(f"/api/events/{slug}/registrations", json={"name": name, "email": email, **extra})


async def test_register_returns_201_with_token_and_manage_url(api, make_event):
    event = await make_event(capacity=10)
    response = await register(api, event["slug"], "anna@gemeente.nl", organisation="Gemeente Utrecht")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "confirmed" and body["position"] is None
    assert len(body["token"]) >= 22  # ≥128 bits
    assert body["manage_url"] == f"http://testserver.local/registrations/{body['token']}"
    row = await Registration.select().where(Registration.id == body["id"]).first()
    assert body["token"] not in str(row.values())  # only a hash is stored
    mine = await api.get(f"/api/registrations/{body['token']}")
    assert mine.status_code == 200
    assert mine.json()["organisation"] == "Gemeente Utrecht"
    assert mine.json()["join_url"] == "https://meet.example.nl/secret-room-42"
    mails = await OutboxMessage.select().where(OutboxMessage.registration_id == body["id"])
    assert [m["kind"] for m in mails] == ["confirmed"]


async def test_same_email_returns_existing_registration(api, make_event):
    event = await make_event()
    first = await register(api, event["slug"], "anna@gemeente.nl")
    again = await register(api, event["slug"], "  ANNA@Gemeente.NL ", name="Anna")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["token"] is None  # the link is mailed to the address, never given to whoever asks
    assert await Registration.count().where(Registration.event == event["id"]) == 1
    kinds = [m["kind"] for m in await OutboxMessage.select(OutboxMessage.kind).order_by(OutboxMessage.id)]
    assert kinds == ["confirmed", "link"]
    await register(api, event["slug"], "anna@gemeente.nl")
    assert await OutboxMessage.count() == 2  # the link is resent at most hourly


async def test_concurrent_same_email_gives_one_registration(api, make_event):
    event = await make_event(capacity=5)
    emails = [f"{' ' * (i % 3)}Piet@Ministerie.nl" if i % 2 else "piet@ministerie.nl" for i in range(40)]
    responses = await asyncio.gather(*(register(api, event["slug"], e) for e in emails))
    assert sorted(r.status_code for r in responses) == [200] * 39 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Registration.count().where(Registration.event == event["id"]) == 1


async def test_capacity_is_never_exceeded_under_concurrency(api, make_event):
    event = await make_event(capacity=20)
    responses = await asyncio.gather(*(register(api, event["slug"], f"p{i}@gemeente.nl") for i in range(200)))
    assert all(r.status_code == 201 for r in responses), {r.status_code for r in responses}
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("confirmed") == 20 and statuses.count("waitlisted") == 180
    positions = sorted(r.json()["position"] for r in responses if r.json()["status"] == "waitlisted")
    assert positions == list(range(1, 181))
    assert await Registration.count().where((Registration.event == event["id"]) & (Registration.status == "confirmed")) == 20
    assert await OutboxMessage.count() == 200  # one mail per registration, written with it


async def test_invalid_input_names_the_fields_and_writes_nothing(api, make_event):
    from events.registration import service

    event = await make_event()
    question = await service.add_question(event["id"], "Dieetwensen", "choice", "geen\nvegetarisch\nveganistisch", required=True)
    response = await register(api, event["slug"], "not-an-address", name="  ")
    assert response.status_code == 400
    keys = {e["key"] for e in response.json()["extra"]}
    assert keys == {"name", "email", f"q{question}"}
    wrong_choice = await register(api, event["slug"], "a@b.nl", answers={f"q{question}": "vlees"})
    assert wrong_choice.status_code == 400
    assert await Registration.count() == 0 and await OutboxMessage.count() == 0
    good = await register(api, event["slug"], "a@b.nl", answers={f"q{question}": "vegetarisch"})
    assert good.status_code == 201
    assert (await api.get(f"/api/registrations/{good.json()['token']}")).json()["answers"] == {str(question): "vegetarisch"}


async def test_malformed_body_is_400_not_500(api, make_event):
    event = await make_event()
    response = await api.post(f"/api/events/{event['slug']}/registrations", json={"email": 5})
    assert response.status_code == 400
    assert (await api.post("/api/events/nope/registrations", json={"name": "a", "email": "a@b.nl"})).status_code == 404


async def test_window_edges_follow_the_injected_clock(api, clock, make_event):
    opens, closes = NOW + timedelta(hours=1), NOW + timedelta(days=2)
    event = await make_event(registration_opens_at=opens, registration_closes_at=closes)
    early = await register(api, event["slug"], "early@x.nl")
    assert early.status_code == 409 and "not opened" in early.json()["detail"]
    clock.set(opens - timedelta(microseconds=1))
    assert (await register(api, event["slug"], "early@x.nl")).status_code == 409
    clock.set(opens)
    assert (await register(api, event["slug"], "first@x.nl")).status_code == 201
    clock.set(closes - timedelta(seconds=1))
    assert (await register(api, event["slug"], "last@x.nl")).status_code == 201
    clock.set(closes)
    late = await register(api, event["slug"], "late@x.nl")
    assert late.status_code == 409 and late.json()["detail"] == "Registration is closed."
    # an existing registration is still found after the window closed
    assert (await register(api, event["slug"], "first@x.nl")).status_code == 200


async def test_cancelled_past_and_draft_events_refuse(api, clock, make_event):
    cancelled = await make_event(status="cancelled")
    assert (await register(api, cancelled["slug"], "a@x.nl")).status_code == 409
    draft = await make_event(status="draft")
    assert (await register(api, draft["slug"], "a@x.nl")).status_code == 404
    past = await make_event(starts_at=NOW - timedelta(days=2), ends_at=NOW - timedelta(days=1))
    response = await register(api, past["slug"], "a@x.nl")
    assert response.status_code == 409 and "already taken place" in response.json()["detail"]
    assert await Registration.count() == 0


async def test_cancel_by_token_and_someone_elses_token(api, make_event):
    event = await make_event(capacity=1)
    anna = (await register(api, event["slug"], "anna@x.nl")).json()
    bob = (await register(api, event["slug"], "bob@x.nl")).json()
    assert bob["status"] == "waitlisted" and bob["position"] == 1
    assert (await api.delete("/api/registrations/not-a-real-token")).status_code == 404
    assert (await api.get("/api/registrations/" + anna["token"][:-2] + "xx")).status_code == 404
    waitlisted = (await api.get(f"/api/registrations/{bob['token']}")).json()
    assert waitlisted["join_url"] is None  # only confirmed registrants see the join URL
    response = await api.delete(f"/api/registrations/{anna['token']}")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert (await api.delete(f"/api/registrations/{anna['token']}")).status_code == 409
    promoted = (await api.get(f"/api/registrations/{bob['token']}")).json()
    assert promoted["status"] == "confirmed" and promoted["join_url"]


async def test_organiser_list_api_and_forbidden_cases(api, app, make_event, organiser_token, other_organiser):
    from tests.conftest import http_client, login

    event = await make_event()
    await register(api, event["slug"], "anna@x.nl")
    url = f"/api/events/{event['slug']}/registrations"
    assert (await api.get(url)).status_code == 401
    listed = await api.get(url, headers={"authorization": f"Bearer {organiser_token}"})
    assert listed.status_code == 200 and listed.json()[0]["email"] == "anna@x.nl"
    assert (await api.get(url, headers={"authorization": "Bearer wrong"})).status_code == 401
    async with http_client(app) as other:
        await login(other, other_organiser.email)
        assert (await other.get(url)).status_code == 404
        assert (await other.get(url + "?format=csv")).status_code == 404


async def test_openapi_describes_the_registration_api(api):
    schema = (await api.get("/schema/openapi.json")).json()
    assert "/api/events/{slug}/registrations" in schema["paths"]
    assert "/api/registrations/{token}" in schema["paths"]
    operation = schema["paths"]["/api/events/{slug}/registrations"]["post"]
    assert operation["tags"] == ["registration"]


async def test_public_registration_sets_no_cookie(client, make_event):
    """A script registering gets no session cookie, so its next POST is not treated as a browser's (CSRF)."""
    event = await make_event()
    first = await client.post(f"/api/events/{event['slug']}/registrations", json={"name": "A", "email": "a@x.nl"})
    assert first.status_code == 201 and not first.headers.get_list("set-cookie")
    second = await client.post(f"/api/events/{event['slug']}/registrations", json={"name": "B", "email": "b@x.nl"})
    assert second.status_code == 201


async def test_join_url_disappears_when_the_event_is_cancelled(api, make_event):
    from events.programme.tables import Event

    event = await make_event()
    token = (await register(api, event["slug"], "anna@x.nl")).json()["token"]
    assert (await api.get(f"/api/registrations/{token}")).json()["join_url"]
    await Event.update({Event.status: "cancelled"}).where(Event.id == event["id"])
    assert (await api.get(f"/api/registrations/{token}")).json()["join_url"] is None
    assert "secret-room-42" not in (await api.get(f"/registrations/{token}")).text


async def test_an_organiser_raising_the_capacity_promotes_the_waiting_list_in_the_same_edit(api, make_event, organiser_token):
    event = await make_event(capacity=1)
    for email in ("a@x.nl", "b@x.nl", "c@x.nl", "d@x.nl"):
        assert (await register(api, event["slug"], email)).status_code == 201
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    unrelated = await api.patch(f"/api/events/{event['slug']}", json={"description": "Meer info"}, headers=bearer)
    assert unrelated.status_code == 200 and await Registration.count().where(Registration.status == "confirmed") == 1
    raised = await api.patch(f"/api/events/{event['slug']}", json={"capacity": 3}, headers=bearer)
    assert raised.status_code == 200, raised.text
    # no worker ran: the promotion and its mails were written by the edit itself
    rows = await Registration.select(Registration.email, Registration.status).order_by(Registration.id)
    assert [(r["email"], r["status"]) for r in rows] == [
        ("a@x.nl", "confirmed"), ("b@x.nl", "confirmed"), ("c@x.nl", "confirmed"), ("d@x.nl", "waitlisted")
    ]
    promoted = await OutboxMessage.select(OutboxMessage.to_address).where(OutboxMessage.kind == "promoted")
    assert sorted(m["to_address"] for m in promoted) == ["b@x.nl", "c@x.nl"]
    unlimited = await api.patch(f"/api/events/{event['slug']}", json={"capacity": None}, headers=bearer)
    assert unlimited.status_code == 200 and await Registration.count().where(Registration.status == "waitlisted") == 0
