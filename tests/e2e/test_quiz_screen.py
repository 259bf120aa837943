"""The quiz's beamer screen in Chromium: full screen without buttons; at 1366×768 (and 1024×768) the lobby's whole
player list, the code and the QR are visible without scrolling; axe finds nothing."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD
from tests.e2e.conftest import api, audit, create_webinar, sign_in
from tests.quiz.test_browser import QUIZ

FITS = "document.documentElement.scrollHeight <= window.innerHeight && document.documentElement.scrollWidth <= window.innerWidth"


def test_the_beamer_screen_shows_the_whole_lobby(live_server, organiser, organiser_token, page):
    webinar = create_webinar(live_server, organiser_token)
    with api(live_server, organiser_token) as client:
        quiz_id = client.post(f"/api/events/{webinar['slug']}/quizzes/import", json=QUIZ).json()["id"]
        run = client.post(f"/api/quizzes/{quiz_id}/runs").json()
    with httpx.Client(base_url=live_server.url, timeout=15) as phone:
        for n in range(40):
            assert phone.post("/api/quiz/join", json={"code": run["join_code"], "nickname": f"Speler {n:02d}"}).status_code == 201
    sign_in(page, organiser.email, PASSWORD)
    page.goto(f"/organiser/quiz-runs/{run['run_id']}/host")
    page.get_by_role("link", name="Open het scherm voor de beamer (nieuw venster)").wait_for()
    for size in ({"width": 1366, "height": 768}, {"width": 1024, "height": 768}):
        page.set_viewport_size(size)
        page.goto(f"/organiser/quiz-runs/{run['run_id']}/screen")
        page.locator("#host-players li").nth(39).wait_for()
        assert page.evaluate(FITS), f"the beamer screen scrolls at {size}"
        last = page.locator("#host-players li").nth(39).bounding_box()
        assert last["y"] + last["height"] <= size["height"], "the lobby's last player is below the fold"
        assert page.locator(".screen-code").is_visible() and page.locator(".screen-corner img").is_visible()
        assert page.locator("button").count() == 0 and page.locator("nav").count() == 0
    audit(page, "quiz beamer screen")
