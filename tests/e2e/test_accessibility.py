"""axe-core at WCAG 2.1 AA on every page type, in Dutch, plus reflow at 320 px and focus on error summaries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events.accounts import service as accounts
from tests.conftest import PASSWORD
from tests.e2e.conftest import api, assert_fits_320, audit, create_webinar, register, sign_in


def test_public_pages(live_server, organiser_token, page):
    webinar = create_webinar(live_server, organiser_token)
    registration = register(live_server, webinar["slug"])
    slug = webinar["slug"]
    for path in ("/", f"/events/{slug}", f"/events/{slug}/sessions/{webinar['session_id']}",
                 f"/speakers/{webinar['speaker_id']}", f"/events/{slug}/register", "/library", "/archive", "/login",
                 "/quiz", "/privacy", f"/registrations/{registration['token']}?welcome=1",
                 f"/registrations/{registration['token']}/cancel", "/bestaat-niet"):
        response = page.goto(path)
        assert response.status < 500, f"{path}: {response.status}"
        audit(page, path)
        assert_fits_320(page)
    # In English too (the language switch keeps the page).
    page.goto(f"/events/{slug}?lang=en")
    audit(page, "English event page")


def test_errors_are_announced_and_linked(live_server, organiser_token, page):
    webinar = create_webinar(live_server, organiser_token)
    page.goto(f"/events/{webinar['slug']}/register")
    page.get_by_role("button", name="Aanmelden").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    # Focus moves to the summary, whose links point at the fields; fields name their error.
    assert summary.evaluate("el => el === document.activeElement")
    first_link = summary.locator("a").first
    target = first_link.get_attribute("href")
    field = page.locator(f"{target} input, input{target}").first
    described = field.get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{id_}").inner_text().strip() for id_ in described.split()), "error not linked to field"
    assert field.get_attribute("aria-invalid") == "true"
    audit(page, "registration form with errors")

    page.goto("/login")
    page.get_by_label("E-mailadres").fill("niemand@example.org")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    page.locator("#error-summary").wait_for()
    assert page.locator("#error-summary").evaluate("el => el === document.activeElement")
    audit(page, "login with an error")


def test_organiser_pages(live_server, organiser, organiser_token, page):
    webinar = create_webinar(live_server, organiser_token)
    register(live_server, webinar["slug"])
    draft = create_webinar(live_server, organiser_token, title="Concept zonder publicatie", publish=False)
    sign_in(page, organiser.email, PASSWORD)
    slug = webinar["slug"]
    for path in ("/organiser", "/organiser/new-event", f"/organiser/events/{slug}", f"/organiser/events/{slug}/edit",
                 f"/organiser/events/{slug}/programme", f"/organiser/events/{slug}/registrations",
                 f"/organiser/events/{slug}/questions", f"/organiser/events/{slug}/materials",
                 f"/organiser/events/{slug}/reminders", f"/organiser/events/{slug}/reminders/preview?minutes=1440",
                 f"/organiser/events/{slug}/attendance", f"/organiser/events/{slug}/followup",
                 f"/organiser/events/{slug}/quizzes", f"/organiser/events/{slug}/resources",
                 f"/organiser/events/{draft['slug']}/status/publish", "/organiser/resources",
                 "/organiser/resources/new", "/organiser/tokens"):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        audit(page, path)
        assert_fits_320(page)


def test_import_pages(live_server, organiser, organiser_token, page):
    """The import journey in the browser: the upload form, the preview with bad rows, the result; each audited."""
    webinar = create_webinar(live_server, organiser_token)
    register(live_server, webinar["slug"])  # Fatima is already registered: her row is refused
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/organiser/events/{webinar['slug']}/imports")
    audit(page, "import upload page")
    assert_fits_320(page)
    page.get_by_label("Lijst met deelnemers").set_input_files(files=[{
        "name": "deelnemers.csv", "mimeType": "text/csv",
        "buffer": (b"Naam;E-mail;Afdeling\nAnna de Vries;anna@gemeente.nl;ICT\nBert;geen-adres;\n"
                   b"Anna nogmaals;anna@gemeente.nl;\nFatima;fatima@gemeente-utrecht.nl;\n"),
    }])
    page.get_by_role("button", name="Lijst controleren").click()
    page.wait_for_load_state()
    assert "Lijst controleren" in page.locator("h1").inner_text()
    assert page.get_by_text("Deze persoon is al aangemeld voor dit evenement").count() == 1
    audit(page, "import preview page")
    assert_fits_320(page)
    page.get_by_label("Stuur geen e-mails").check()
    page.get_by_role("button", name="Importeren (1)").click()
    page.wait_for_load_state()
    assert "Import klaar" in page.locator("h1").inner_text()
    audit(page, "import result page")


@pytest.fixture
def webinar(live_server, organiser_token) -> dict:
    return create_webinar(live_server, organiser_token)


@pytest.fixture
async def speaker_link(webinar) -> str:
    return await accounts.create_personal_link(webinar["speaker_id"], datetime.now(UTC))


def test_speaker_home(live_server, speaker_link, page):
    page.goto(f"/p/{speaker_link}")
    page.wait_for_url("**/speaker")
    audit(page, "speaker home")
    assert_fits_320(page)


def test_live_pages(live_server, organiser, organiser_token, page):
    from tests.e2e.test_live import open_space  # noqa: PLC0415 - the live journeys' helper

    webinar = create_webinar(live_server, organiser_token)
    space = open_space(live_server, organiser_token, webinar)
    for path in ("/live", "/live?code=000000", f"/live/{space['code']}", f"/live/{space['code']}/wall"):
        page.goto(path)
        audit(page, path)
        if "/wall" not in path:  # the wall is a full screen for the beamer; the phone pages reflow
            assert_fits_320(page)
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/organiser/live/{space['id']}")
    audit(page, "live moderator screen")
    assert_fits_320(page)
    page.goto(f"/organiser/events/{webinar['slug']}")
    audit(page, "organiser event page with the live section")


def test_series_pages(live_server, organiser, organiser_token, page):
    """The public series page (Dutch and English), its subscription form (also with an error), the organisers'
    series pages and the duplicate form of an event."""
    from tests.e2e.conftest import api  # noqa: PLC0415 - the e2e API client, only this test needs it

    webinar = create_webinar(live_server, organiser_token)
    with api(live_server, organiser_token) as client:
        made = client.post("/api/series", json={"name": "COT-webinars integrale beveiliging", "description": "Elke maand een **webinar**."})
        assert made.status_code == 201, made.text
        slug = made.json()["slug"]
        assert client.post(f"/api/series/{slug}/events", json={"event": webinar["slug"]}).status_code == 200
    for path in (f"/series/{slug}", f"/series/{slug}?lang=en", f"/series/{slug}/subscribe"):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        audit(page, path)
        assert_fits_320(page)
    page.goto(f"/series/{slug}/subscribe")
    page.get_by_label("E-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Houd mij op de hoogte").click()
    page.locator("#error-summary").wait_for()
    audit(page, "subscription form with an error")
    page.get_by_label("E-mailadres").fill("fatima@gemeente-utrecht.nl")
    page.get_by_role("button", name="Houd mij op de hoogte").click()
    page.get_by_text("Kijk in uw mailbox").wait_for()
    audit(page, "subscription sent")
    sign_in(page, organiser.email, PASSWORD)
    for path in ("/organiser/series", "/organiser/series/new", f"/organiser/series/{slug}", f"/organiser/series/{slug}/edit",
                 f"/organiser/series/{slug}/delete", f"/organiser/events/{webinar['slug']}/duplicate"):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        audit(page, path)
        assert_fits_320(page)


THEME_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 30"><title>Gemeente</title>'
             b'<rect width="120" height="30" fill="#0b6e4f"/><text x="8" y="20" fill="#ffffff">Gemeente</text></svg>')


def test_themed_event_page_and_embeds(live_server, organiser, organiser_token, page):
    """An organisation's colour and logo on its event page and embeds: the stylesheet applies under the CSP (a
    button takes the colour), the logo loads, and the pages pass the audit."""
    webinar = create_webinar(live_server, organiser_token)
    with api(live_server, organiser_token) as client:
        slug = client.get("/api/organisations").json()[0]["slug"]
        assert client.patch(f"/api/organisations/{slug}", json={"primary_colour": "#0b6e4f"}).status_code == 200
        logo = client.put(f"/api/organisations/{slug}/logo", files={"file": ("logo.svg", THEME_SVG, "image/svg+xml")})
        assert logo.status_code == 200, logo.text
    for path in (f"/events/{webinar['slug']}", f"/embed/{slug}/events", f"/embed/events/{webinar['slug']}/register"):
        page.goto(path)
        token = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim()")
        assert token == "#0b6e4f", (path, token)
        if page.locator(".button").count():
            colour = page.locator(".button").first.evaluate("el => getComputedStyle(el).backgroundColor")
            assert colour == "rgb(11, 110, 79)", (path, colour)
        assert page.locator("img.organisation-logo").evaluate("img => img.complete && img.naturalWidth > 0"), path
        audit(page, f"themed {path}")
        assert_fits_320(page)
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/organiser/organisations/{slug}/settings")
    audit(page, "organisation settings with a theme")
