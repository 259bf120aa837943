"""Live screens at 200 % zoom and under a burst of votes, in Chromium.

200 % zoom of a 1280×720 screen is a 640×360 CSS-pixel viewport drawn at device scale 2: the wall and the
moderator's screen must not scroll sideways there, and the top question must be readable. The live region
(`#live-status`, aria-live="polite") must not flood a screen reader while votes pour in: the page announces at most
once every 4 s that the order of the questions changed."""

from __future__ import annotations

import time

import httpx

from tests.conftest import PASSWORD
from tests.e2e.conftest import audit, create_webinar, sign_in
from tests.e2e.test_live import open_space

ZOOMED = {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2}
NO_SIDEWAYS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
LONG_QUESTION = ("Hoe zorgen we dat de crisisorganisatie van de gemeente ook in het weekend en tijdens de "
                 "zomervakantie binnen een uur volledig inzetbaar is?")
ANNOUNCE_GAP_MS = 4000


def zoomed_tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", **ZOOMED)
    context.set_default_timeout(10_000)
    return context.new_page()


def participants(live_server, code: str, count: int) -> list[str]:
    with httpx.Client(base_url=live_server.url, timeout=15) as phone:
        return [phone.post(f"/api/live/{code}/participants", json={}).json()["token"] for _ in range(count)]


def ask(live_server, code: str, token: str, text: str) -> int:
    with httpx.Client(base_url=live_server.url, timeout=15) as phone:
        reply = phone.post(f"/api/live/{code}/questions", json={"text": text}, headers={"X-Live-Token": token})
        assert reply.status_code == 201, reply.text
        return reply.json()["id"]


def assert_readable(tab, text: str, what: str) -> None:
    question = tab.locator(".live-question-text", has_text=text[:40]).first
    question.wait_for()
    assert tab.evaluate(NO_SIDEWAYS), f"the {what} scrolls sideways at 200 % zoom"
    box = question.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 640 + 0.5, f"{what}: question cut off {box}"
    assert question.is_visible()


def test_wall_and_moderator_screen_at_200_percent_zoom(live_server, organiser, organiser_token, browser, page):
    webinar = create_webinar(live_server, organiser_token)
    space = open_space(live_server, organiser_token, webinar)
    token = participants(live_server, space["code"], 1)[0]
    ask(live_server, space["code"], token, LONG_QUESTION)

    wall = zoomed_tab(browser, live_server)
    wall.goto(f"/live/{space['code']}/wall")
    assert_readable(wall, LONG_QUESTION, "wall")
    assert wall.locator(".wall-code").is_visible()
    audit(wall, "live wall at 200 % zoom")
    wall.context.close()

    moderator = zoomed_tab(browser, live_server)
    sign_in(moderator, organiser.email, PASSWORD)
    moderator.goto(f"/organiser/live/{space['id']}")
    assert_readable(moderator, LONG_QUESTION, "moderator's screen")
    audit(moderator, "live moderator screen at 200 % zoom")
    moderator.context.close()


def test_a_burst_of_votes_is_announced_politely_and_throttled(live_server, organiser_token, page):
    webinar = create_webinar(live_server, organiser_token)
    space = open_space(live_server, organiser_token, webinar)
    voters = participants(live_server, space["code"], 40)
    first = ask(live_server, space["code"], voters[0], "Wie oefent de crisis als eerste?")
    second = ask(live_server, space["code"], voters[1], "Wat kost een oefening?")

    page.goto(f"/live/{space['code']}/wall")
    page.locator(".live-question-text", has_text="Wat kost een oefening?").wait_for()
    assert page.locator("#live-status").get_attribute("aria-live") == "polite"
    page.evaluate("""() => {
        window.liveSaid = [];
        new MutationObserver(() => window.liveSaid.push([performance.now(), document.getElementById('live-status').textContent]))
            .observe(document.getElementById('live-status'), {childList: true, characterData: true, subtree: true});
    }""")
    # The two questions take the lead in turn: the order changes twice a second for ten seconds.
    started = time.monotonic()
    pools = {first: iter(voters), second: iter(voters)}
    with httpx.Client(base_url=live_server.url, timeout=15) as phones:
        for round_number in range(20):
            trailing = second if round_number % 2 == 0 else first
            for _ in range(1 if round_number == 0 else 2):  # one more than the leader has
                reply = phones.post(f"/api/live/{space['code']}/questions/{trailing}/vote",
                                    headers={"X-Live-Token": next(pools[trailing])})
                assert reply.status_code == 200, reply.text
            time.sleep(0.5)
    page.wait_for_timeout(ANNOUNCE_GAP_MS + 500)  # the last announcement that was held back
    burst_ms = (time.monotonic() - started) * 1000
    said = page.evaluate("window.liveSaid")

    assert said, "the changed order was never announced"
    assert all(text == "De vragen zijn bijgewerkt" for _at, text in said), said
    gaps = [later[0] - earlier[0] for earlier, later in zip(said, said[1:], strict=False)]
    assert all(gap >= ANNOUNCE_GAP_MS - 100 for gap in gaps), f"announcements closer than 4 s: {gaps}"
    assert len(said) <= 1 + burst_ms / ANNOUNCE_GAP_MS, f"{len(said)} announcements in {burst_ms:.0f} ms"
    # every vote reached the wall as a count (20 and 19), though the changes were announced only now and then
    page.locator(".live-question-meta", has_text="20 stemmen").wait_for()
    page.locator(".live-question-meta", has_text="19 stemmen").wait_for()
