"""The registration pages: the form on the event page, the result and manage pages, cancelling with a
confirmation step, the organiser's attendee list, check-in by QR code, questions editor, and who may see what."""

from __future__ import annotations

import re

from events.registration import service
from events.registration.service import Applicant
from events.registration.tables import Registration
from tests.conftest import NOW, get_csrf, http_client, login, post_form

JOIN = "secret-room-42"


async def test_event_page_leads_to_the_form_and_never_shows_the_join_url(client, make_event):
    event = await make_event(capacity=3)
    await service.add_question(event["id"], "Dieetwensen", "choice", "geen\nvegetarisch", required=True)
    page = await client.get(f"/events/{event['slug']}")
    assert page.status_code == 200
    # The event page is shared from the public cache: a link to the form, no form, no token, no live count.
    assert f'href="/events/{event["slug"]}/register"' in page.text and "Naar het aanmeldformulier" in page.text
    assert "<form" not in page.text.split('id="register"')[1] and 'name="_csrf_token"' not in page.text
    assert "set-cookie" not in page.headers and "Plaatsen vrij" not in page.text
    assert JOIN not in page.text
    form_page = await client.get(f"/events/{event['slug']}/register")
    assert form_page.status_code == 200 and JOIN not in form_page.text
    assert f'action="/events/{event["slug"]}/register"' in form_page.text and 'name="_csrf_token"' in form_page.text
    assert "Dieetwensen" in form_page.text and "Plaatsen vrij: 3" in form_page.text
    assert form_page.headers["cache-control"] == "no-store"
    api = await client.get(f"/api/events/{event['slug']}")
    assert JOIN not in api.text


async def test_closed_registration_shows_a_message_not_a_form(client, make_event):
    event = await make_event(status="cancelled")
    page = await client.get(f"/events/{event['slug']}/register")
    assert "Dit evenement is geannuleerd." in page.text and "<form method=\"post\" action=\"/events/" not in page.text


async def test_register_by_form_then_manage_and_cancel(client, make_event):
    event = await make_event(capacity=1)
    q = await service.add_question(event["id"], "Workshops", "multiple", "Phishing\nMystery guest")
    await get_csrf(client, f"/events/{event['slug']}/register")
    token = client.cookies.get("events_csrf")
    response = await client.post(
        f"/events/{event['slug']}/register",
        data={"name": "Anna", "email": "Anna@Gemeente.nl", "organisation": "Gemeente", f"q{q}": ["Phishing", "Mystery guest"],
              "_csrf_token": token},
    )
    assert response.status_code == 303
    manage_url = response.headers["location"]
    assert manage_url.startswith("/registrations/") and manage_url.endswith("?welcome=1")
    page = await client.get(manage_url)
    assert page.status_code == 200
    assert "U bent aangemeld" in page.text and "Phishing, Mystery guest" in page.text
    assert JOIN in page.text  # a confirmed registrant sees the join URL on their own page
    assert "check-in.svg" in page.text
    manage_token = manage_url.split("/")[2].split("?")[0]
    qr = await client.get(f"/registrations/{manage_token}/check-in.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml") and "<svg" in qr.text
    row = await Registration.select().first()
    assert row["answers"] and row["email_normalised"] == "anna@gemeente.nl"

    # someone else registers: waiting list, position shown, no join URL
    other = await post_form(client, f"/events/{event['slug']}/register", {"name": "Bob", "email": "bob@x.nl"})
    other_page = await client.get(other.headers["location"])
    assert "wachtlijst, op plaats 1" in other_page.text and JOIN not in other_page.text
    assert (await client.get(other.headers["location"].split("?")[0] + "/check-in.svg")).status_code == 404

    # cancel: a confirmation page first, then the POST
    confirm = await client.get(f"/registrations/{manage_token}/cancel")
    assert confirm.status_code == 200 and "Ja, annuleer mijn aanmelding" in confirm.text
    assert (await Registration.select().first())["status"] == "confirmed"
    done = await post_form(client, f"/registrations/{manage_token}/cancel", {})
    assert done.status_code == 303
    assert (await Registration.select().first())["status"] == "cancelled"
    after = await client.get(f"/registrations/{manage_token}")
    assert "Geannuleerd" in after.text and JOIN not in after.text
    promoted = await client.get(other.headers["location"].split("?")[0])
    assert "Bevestigd" in promoted.text


async def test_form_errors_are_shown_with_the_fields(client, make_event):
    event = await make_event()
    await service.add_question(event["id"], "Akkoord", "checkbox", required=True)
    response = await post_form(client, f"/events/{event['slug']}/register", {"name": "", "email": "nope"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text and "Vul uw naam in." in response.text
    # the e-mail field is described by its hint and its error, which is on the page
    assert 'aria-describedby="hint-email error-email"' in response.text and 'id="error-email"' in response.text
    assert 'value="nope"' in response.text
    assert await Registration.count() == 0


async def test_same_email_by_form_does_not_reveal_the_link(client, site, make_event):
    event = await make_event()
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    response = await post_form(client, f"/events/{event['slug']}/register", {"name": "Mallory", "email": " ANNA@x.nl"})
    assert response.status_code == 200 and "U was al aangemeld" in response.text
    assert "/registrations/" not in response.text
    assert (await Registration.select().first())["name"] == "Anna"


async def test_unknown_token_and_forged_cancel(client, make_event):
    assert (await client.get("/registrations/" + "x" * 43)).status_code == 404
    assert (await client.get("/registrations/abc/cancel")).status_code == 404
    assert (await client.post("/registrations/abc/cancel", data={})).status_code == 404
    # a form on another site is refused, whatever the token (the browser says where the POST comes from)
    forged = await client.post("/registrations/abc/cancel", data={}, headers={"origin": "https://kwaad.example"})
    assert forged.status_code == 403


async def test_the_manage_pages_take_no_session_or_token_and_refuse_other_sites(client, make_event):
    event = await make_event()
    reply = await client.post(f"/api/events/{event['slug']}/registrations", json={"name": "Anna", "email": "anna@gemeente.nl"})
    token = reply.json()["token"]
    for path in (f"/registrations/{token}", f"/registrations/{token}?welcome=1", f"/registrations/{token}/cancel"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-store" and "set-cookie" not in page.headers, path
        assert "_csrf_token" not in page.text, path
    assert not client.cookies  # no session, no CSRF cookie: the manage token is the only credential
    path = f"/registrations/{token}/cancel"
    for headers in ({"origin": "https://kwaad.example"}, {"origin": "null"}, {"sec-fetch-site": "cross-site"},
                    {"sec-fetch-site": "same-site", "origin": "http://testserver.local"}):
        refused = await client.post(path, data={}, headers=headers)
        assert refused.status_code == 403 and "text/html" in refused.headers["content-type"], headers
    assert (await Registration.select().first())["status"] == "confirmed"
    done = await client.post(path, data={}, headers={"origin": "http://testserver.local", "sec-fetch-site": "same-origin"})
    assert done.status_code == 303 and done.headers["location"] == f"/registrations/{token}"
    assert (await Registration.select().first())["status"] == "cancelled"


async def test_attendee_list_check_in_and_forbidden_cases(client, app, organiser_client, site, make_event, other_organiser, speaker):
    event = await make_event(capacity=1)
    a = await service.register(event["slug"], Applicant("Anna", "anna@x.nl", "Gemeente Ede"), NOW, site)
    await service.register(event["slug"], Applicant("Bob", "bob@x.nl"), NOW, site)
    base = f"/organiser/events/{event['slug']}/registrations"
    page = await organiser_client.get(base)
    assert page.status_code == 200 and "Anna" in page.text and "Bob" in page.text and "Gemeente Ede" in page.text
    waiting = await organiser_client.get(base + "?status=waitlisted")
    assert "Bob" in waiting.text and "anna@x.nl" not in waiting.text
    assert "Anna" in (await organiser_client.get(base + "?q=ede")).text
    scan = await organiser_client.get(f"{base}/{a.id}/scan")
    assert scan.status_code == 200 and "Anna" in scan.text
    done = await post_form(organiser_client, f"{base}/{a.id}/check-in", {"from": "scan"})
    assert done.status_code == 303
    assert (await Registration.select().where(Registration.id == a.id).first())["checked_in_at"] == NOW
    export = await organiser_client.get(base + "/export")
    assert export.status_code == 200 and export.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in export.headers["content-disposition"]
    cancel = await post_form(organiser_client, f"{base}/{a.id}/cancel", {})
    assert cancel.status_code == 303
    assert {r["name"]: r["status"] for r in await Registration.select()} == {"Anna": "cancelled", "Bob": "confirmed"}
    assert (await post_form(organiser_client, f"{base}/999999/cancel", {})).status_code == 404

    anonymous = await client.get(base)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    assert (await client.get(f"{base}/{a.id}/scan")).status_code in (302, 303)
    async with http_client(app) as other:
        await login(other, other_organiser.email)
        assert (await other.get(base)).status_code == 404
        assert (await other.get(base + "/export")).status_code == 404
        assert (await other.get(f"{base}/{a.id}/scan")).status_code == 404
        assert (await post_form(other, f"{base}/{a.id}/check-in", {})).status_code == 404
        assert (await other.get(f"/organiser/events/{event['slug']}/questions")).status_code == 404


async def test_speaker_cannot_open_attendee_list(app, site, make_event, speaker):
    from events.accounts.service import create_personal_link

    event = await make_event()
    link = await create_personal_link(speaker.id, NOW)
    async with http_client(app) as as_speaker:
        await as_speaker.get(f"/s/{link}")
        response = await as_speaker.get(f"/organiser/events/{event['slug']}/registrations")
        assert response.status_code in (302, 303, 403)


async def test_questions_editor(organiser_client, make_event):
    event = await make_event()
    url = f"/organiser/events/{event['slug']}/questions"
    bad = await post_form(organiser_client, url, {"label": "Workshop", "kind": "choice", "options": "alleen"})
    assert bad.status_code == 400 and "Geef ten minste twee mogelijkheden" in bad.text
    ok = await post_form(organiser_client, url, {"label": "Workshop", "kind": "choice", "options": "A\nB", "required": "on"})
    assert ok.status_code == 303
    (question,) = await service.questions_of(event["id"])
    assert question.required and question.choices == ["A", "B"]
    edit = await post_form(organiser_client, f"{url}/{question.id}/edit", {"label": "Welke workshop?", "kind": "choice", "options": "A\nB\nC"})
    assert edit.status_code == 303
    assert (await service.questions_of(event["id"]))[0].label == "Welke workshop?"
    page = await organiser_client.get(url)
    assert "Welke workshop?" in page.text
    assert (await post_form(organiser_client, f"{url}/{question.id}/delete", {})).status_code == 303
    assert await service.questions_of(event["id"]) == []


async def test_organiser_pages_show_registration_panels(organiser_client, site, make_event):
    event = await make_event(capacity=10)
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    dashboard = await organiser_client.get(f"/organiser/events/{event['slug']}")
    assert dashboard.status_code == 200
    assert f"/organiser/events/{event['slug']}/registrations" in dashboard.text
    listing = await organiser_client.get("/organiser")
    assert listing.status_code == 200
    assert re.search(r"Bevestigd|Confirmed", listing.text)
