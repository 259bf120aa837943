"""A participant's evaluation and certificate in the browser, and the organiser's results: the pages pass axe at
WCAG 2.1 AA and reflow at 320 px; the form's error summary takes focus; the certificate's check says genuine or
unknown."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from events.certificates import codes
from tests.conftest import PASSWORD, SECRET
from tests.e2e.conftest import api, assert_fits_320, audit, create_webinar, register, sign_in

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def attended_webinar(live_server, token: str) -> tuple[dict, dict]:
    """A webinar that took place an hour ago, with a participant who joined through their personal link."""
    webinar = create_webinar(live_server, token)
    registration = register(live_server, webinar["slug"])
    manage = httpx.get(f"{live_server.url}/registrations/{registration['token']}", timeout=15).text
    join = re.search(r'href="[^"]*(/j/[^"]+)"', manage).group(1)
    assert httpx.get(f"{live_server.url}{join}", headers={"user-agent": BROWSER}, timeout=15).status_code == 302
    start = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    with api(live_server, token) as client:
        # Its session would fall outside the moved event: it goes first.
        assert client.delete(f"/api/events/{webinar['slug']}/sessions/{webinar['session_id']}").status_code in (200, 204)
        moved = client.patch(f"/api/events/{webinar['slug']}", json={
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()})
        assert moved.status_code == 200, moved.text
    return webinar, registration


def test_participant_pages_of_the_evaluation_and_the_certificate(live_server, organiser_token, page):
    webinar, registration = attended_webinar(live_server, organiser_token)
    token = registration["token"]
    page.goto(f"/registrations/{token}")
    assert page.get_by_role("link", name="Vul de evaluatie in").is_visible()
    page.goto(f"/registrations/{token}/evaluation")
    audit(page, "evaluation form")
    assert_fits_320(page)
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.evaluate("el => el === document.activeElement")
    audit(page, "evaluation form with errors")
    page.get_by_label("4", exact=True).first.check()
    page.get_by_label("Wat zou je veranderen aan deze bijeenkomst?").fill("Meer tijd voor vragen")
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    page.get_by_role("heading", name="Bedankt voor je antwoorden").wait_for()
    audit(page, "evaluation thanks")
    page.goto(f"/registrations/{token}/evaluation?lang=en")
    assert "already filled in" in page.content()
    audit(page, "evaluation already answered (English)")
    code = codes.code_for(registration["id"], SECRET)
    for path in (f"/certificates/{code}", f"/certificates/{code}?lang=en", "/certificates", "/certificates/C1-AAAAA-AAAAA-AAAAA-AAAAA"):
        page.goto(path)
        audit(page, path)
        assert_fits_320(page)
    assert page.get_by_role("heading", name="Dit bewijs kennen we niet").is_visible()


def test_organiser_pages_of_the_evaluation(live_server, organiser, organiser_token, page):
    webinar, registration = attended_webinar(live_server, organiser_token)
    answered = httpx.Client(base_url=live_server.url, timeout=15)
    answered.get(f"/registrations/{registration['token']}/evaluation")
    posted = answered.post(f"/registrations/{registration['token']}/evaluation", data={
        "_csrf_token": answered.cookies.get("events_csrf"), "q_overall": "5", "q_usefulness": "4", "q_change": "Niets"})
    assert posted.status_code == 200, posted.text
    sign_in(page, organiser.email, PASSWORD)
    slug = webinar["slug"]
    for path in (f"/organiser/events/{slug}/evaluation", f"/organiser/events/{slug}/evaluation?lang=en",
                 f"/organiser/events/{slug}/evaluation/questions"):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        audit(page, path)
        assert_fits_320(page)
    page.get_by_role("button", name="Vraag toevoegen").click()
    page.locator("#error-summary").wait_for()
    audit(page, "evaluation question editor with errors")
