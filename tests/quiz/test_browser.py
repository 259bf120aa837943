"""A live round in a real browser (Debian's chromium): the host screen and a player's phone, both driven by the
quiz's JavaScript over real WebSockets; axe-core at WCAG 2.1 AA on both screens; reflow at 320 px."""

from __future__ import annotations

import concurrent.futures

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, api, assert_fits_320, audit, create_webinar, sign_in

pytestmark = pytest.mark.browser

QUIZ = {
    "format": "events-quiz/1",
    "title": "Browserquiz",
    "accuracy_only": False,
    "questions": [
        {"kind": "single", "text": "Welk aspect gaat over mensen?", "time_limit_s": 60, "points": 1000,
         "learn_more_url": "https://example.org/personeel", "learn_more_title": "Over personele beveiliging",
         "options": [{"text": "Fysieke beveiliging", "correct": False}, {"text": "Personele beveiliging", "correct": True}]},
        {"kind": "multiple", "text": "Welke horen erbij?", "time_limit_s": 60, "points": 500,
         "options": [{"text": "Bewustzijn", "correct": True}, {"text": "Voorbereiding", "correct": True}, {"text": "Catering", "correct": False}]},
    ],
}


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_host_and_player_play_a_round_in_the_browser(live_server, organiser, organiser_token):
    # Playwright's sync API refuses to run where an event loop runs (this module's async fixtures start one).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(_play_round, live_server, organiser, organiser_token).result(timeout=240)


def _play_round(live_server, organiser, organiser_token) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.console_errors = []
            page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("response", lambda r: page.console_errors.append(r.url) if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
            _scenario(browser, page, live_server, organiser, organiser_token)
        finally:
            browser.close()


def _scenario(browser, page, live_server, organiser, organiser_token) -> None:
    webinar = create_webinar(live_server, organiser_token)
    with api(live_server, organiser_token) as client:
        created = client.post(f"/api/events/{webinar['slug']}/quizzes/import", json=QUIZ)
        assert created.status_code == 201, created.text
    sign_in(page, organiser.email, PASSWORD)
    page.goto(created.json()["url"])
    page.get_by_role("button", name="Start een live ronde").click()
    page.locator(".quiz-code").wait_for()
    code = page.locator(".quiz-code").inner_text().strip()
    assert len(code) == 6 and page.locator("img.quiz-qr").get_attribute("alt").startswith("QR-code")
    audit(page, "host lobby")

    phone_context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 360, "height": 740})
    phone_context.set_default_timeout(10_000)
    phone = phone_context.new_page()
    phone_errors: list[str] = []
    phone.on("pageerror", lambda exc: phone_errors.append(str(exc)))
    try:
        phone.goto(f"/quiz?code={code}")
        assert phone.get_by_label("Code").input_value() == code
        phone.get_by_label("Schuilnaam").fill("Anna")
        phone.get_by_role("button", name="Meedoen").click()
        phone.get_by_text("U doet mee!").wait_for()
        page.locator("#host-players li", has_text="Anna").wait_for()  # the lobby fills live
        audit(phone, "player waiting")
        assert_fits_320(phone)

        page.get_by_role("button", name="Volgende vraag").click()
        phone.get_by_role("heading", name="Welk aspect gaat over mensen?").wait_for()
        page.get_by_role("heading", name="Welk aspect gaat over mensen?").wait_for()
        audit(phone, "player question")
        phone.get_by_text("Personele beveiliging").click()  # a big label: one tap answers a single-choice question
        phone.get_by_text("Antwoord ontvangen").wait_for()
        page.locator("#host-answered", has_text="1").wait_for()
        page.get_by_role("button", name="Toon het antwoord").click()
        phone.get_by_text("Goed! +").wait_for()
        phone.get_by_role("link", name="Over personele beveiliging").wait_for()
        assert page.locator("#host-distribution li.quiz-bar-right").inner_text().count("1") >= 1
        audit(page, "host reveal")

        # Reload the phone: back in with the same nickname and score.
        phone.reload()
        phone.locator("#play-nickname", has_text="Anna").wait_for()
        score = int(phone.locator("#play-score").inner_text())
        assert 950 <= score <= 1000

        page.get_by_role("button", name="Toon de tussenstand").click()
        page.locator("#host-leaderboard li", has_text="Anna").wait_for()
        phone.get_by_text("Uw plaats: 1").wait_for()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Beëindig de quiz").click()
        phone.get_by_text("De quiz is afgelopen").wait_for()
        page.locator("#host-podium li", has_text="Anna").wait_for()
        assert not phone_errors
        assert not [e for e in page.console_errors if "favicon" not in e and "Failed to load resource" not in e], page.console_errors
    finally:
        phone_context.close()
