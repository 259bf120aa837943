"""Live spaces in Chromium: a participant's keyboard journey (join, ask, vote, answer a poll, come back after a
reload), the wall at 16:9 and 4:3 without scrolling, and the moderator's screen by keyboard."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD
from tests.e2e.conftest import api, audit, create_webinar, new_tab, press_until_focused, sign_in

FITS = "document.documentElement.scrollHeight <= window.innerHeight && document.documentElement.scrollWidth <= window.innerWidth"


def open_space(live_server, token: str, webinar: dict) -> dict:
    with api(live_server, token) as client:
        space = client.post(f"/api/events/{webinar['slug']}/live", json={"session_id": webinar["session_id"]}).json()
        assert client.post(f"/api/live/spaces/{space['id']}/open").status_code == 200
    return space


def test_participant_keyboard_journey_and_the_wall(live_server, organiser_token, browser, page):
    webinar = create_webinar(live_server, organiser_token)
    space = open_space(live_server, organiser_token, webinar)
    wall = new_tab(browser, live_server)
    wall.set_viewport_size({"width": 1366, "height": 768})
    wall.goto(f"/live/{space['code']}/wall")
    wall.get_by_text("Nog geen vragen.").wait_for()

    page.goto(f"/live/{space['code']}")
    press_until_focused(page, "#live-name")
    page.keyboard.type("Fatima")
    page.keyboard.press("Enter")
    page.locator("#live-question").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "live-question"
    page.keyboard.type("Hoe oefenen we een crisis met de hele gemeente?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    vote = page.get_by_role("button", name="Stem (0 stemmen)")
    vote.wait_for()
    press_until_focused(page, ".live-vote")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Gestemd (1 stemmen)").wait_for()
    assert page.locator(".live-vote").get_attribute("aria-pressed") == "true"
    wall.get_by_text("Fatima · 1 stemmen").wait_for()  # the vote reached the wall

    with api(live_server, organiser_token) as client:
        poll = client.post(f"/api/live/spaces/{space['id']}/polls",
                           json={"kind": "choice", "question": "Oefent u dit jaar?", "options": ["Ja", "Nee"]}).json()
        client.post(f"/api/live/spaces/{space['id']}/polls/{poll['id']}/open")
    page.get_by_text("Oefent u dit jaar?").wait_for()
    press_until_focused(page, "input[name=answer]")
    page.keyboard.press("Space")
    press_until_focused(page, ".live-poll-form button")
    page.keyboard.press("Enter")
    page.get_by_text("Dank je, je antwoord is binnen.", exact=False).first.wait_for()
    audit(page, "live participant page")
    wall.locator(".live-table").get_by_text("Ja").wait_for()
    for size in ({"width": 1366, "height": 768}, {"width": 1024, "height": 768}):
        wall.set_viewport_size(size)
        assert wall.evaluate(FITS), f"the wall scrolls at {size}"
        assert wall.locator(".wall-corner img").is_visible() and wall.locator(".wall-code").is_visible()
    assert wall.locator("button").count() == 0  # the room never sees controls
    audit(wall, "live wall")

    page.reload()  # the browser keeps the token: the vote and the answer are still there
    page.get_by_role("button", name="Gestemd (1 stemmen)").wait_for()
    assert page.locator(".live-poll-form").count() == 0
    wall.context.close()


def test_moderator_approves_by_keyboard(live_server, organiser, organiser_token, page):
    webinar = create_webinar(live_server, organiser_token)
    space = open_space(live_server, organiser_token, webinar)

    with api(live_server, organiser_token) as client:
        client.post(f"/api/live/spaces/{space['id']}/close")
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/organiser/events/{webinar['slug']}")
    page.get_by_role("link", name=f"Modereren (code {space['code']})").click()
    page.get_by_role("button", name="Open de ruimte").click()
    page.get_by_role("button", name="Sluit de ruimte").wait_for()
    with httpx.Client(base_url=live_server.url, timeout=15) as phone:
        token = phone.post(f"/api/live/{space['code']}/participants", json={}).json()["token"]
        phone.post(f"/api/live/{space['code']}/questions", json={"text": "Wie betaalt de oefening?"},
                   headers={"X-Live-Token": token})
    page.locator(".live-question-text", has_text="Wie betaalt de oefening?").wait_for()
    press_until_focused(page, ".live-question button")
    page.keyboard.press("Enter")  # the first action: hide or approve (no pre-moderation here: hide)
    page.locator(".live-question-meta", has_text="Verborgen door de moderator").wait_for()
    audit(page, "live moderator screen")
