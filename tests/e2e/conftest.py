"""Browser fixtures: Debian's chromium driven by Playwright, axe-core audits at WCAG 2.1 AA, screenshots.

The browser is launched once per session; each test gets a fresh context (no cookies) on a `live_server`. Tests
are skipped, with the reason, only when chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM is None:
        reason = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("EVENTS_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def browser(chromium_path, live_server) -> Iterator[object]:
    """Chromium for one test. Not session-scoped on purpose: Playwright's sync API marks its event loop as
    running between calls, which makes every later async fixture (pytest-asyncio) fail; so it starts after the
    test's database fixtures and stops before they close. A launch costs about half a second."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


# A clock time with seconds ("09:30:00", "9.30.00") in a page's visible text: pages never show seconds.
WITH_SECONDS = re.compile(r"\b\d{1,2}[:.]\d{2}[:.]\d{2}\b")
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.DOTALL | re.IGNORECASE)


def times_with_seconds(html: str) -> list[str]:
    """Times with seconds in the text of a page (tags and their attributes, such as <time datetime>, left out)."""
    return WITH_SECONDS.findall(HIDDEN.sub(" ", html))


def _scan_pages_for_seconds(context) -> list[str]:
    """Every HTML page the tab loads is scanned as it passes; the findings are checked when the tab closes. It
    listens to responses rather than intercepting requests: a routed request is fetched again by Playwright, which
    loses an upload's file body and the cookies a page sets, so uploads and live sockets would break."""
    found: list[str] = []

    def scan(response) -> None:
        if response.request.resource_type != "document" or response.status != 200:
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        try:
            found.extend(f"{response.url}: {hit}" for hit in times_with_seconds(response.text()))
        except PlaywrightError:  # the body is gone when the tab navigated on before it was read
            pass

    context.on("response", scan)
    return found


def new_tab(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def assert_no_seconds(tab) -> None:
    assert not tab.times_with_seconds, f"times with seconds on a page: {tab.times_with_seconds[:5]}"


def screenshot(tab, request) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(live_server, browser, request) -> Iterator[object]:
    """A fresh browser tab on the live server; its last page is saved as test-artifacts/<test>.png.
    Request it LAST in a test's arguments: fixtures set up after it cannot use asyncio (see `browser`)."""
    tab = new_tab(browser, live_server)
    tab.times_with_seconds = _scan_pages_for_seconds(tab.context)
    yield tab
    try:
        screenshot(tab, request)
    finally:
        tab.context.close()
    assert_no_seconds(tab)


def audit(page, context: str = "") -> None:
    """axe-core at WCAG 2.1 AA on the current page: zero violations, or a readable list of them."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = result.response["violations"]
    if violations:
        lines = [f"{len(violations)} WCAG 2.1 AA violation(s) on {page.url} {context}"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
        pytest.fail("\n".join(lines))


# Elements whose right edge passes the viewport without a scrolling ancestor to contain them.
STICKING_OUT = """() => { const out = []; const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    let parent = el.parentElement, contained = false;
    while (parent) { const x = getComputedStyle(parent).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden') { contained = true; break; } parent = parent.parentElement; }
    if (!contained) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.width)}px)`);
  }
  return out.slice(0, 8); }"""


def assert_fits_320(page) -> None:
    """WCAG 1.4.10 reflow: at 320 CSS pixels nothing scrolls sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    culprits = page.evaluate(STICKING_OUT) if overflow > 0 else []
    page.set_viewport_size(size)
    assert overflow <= 0, f"{page.url} scrolls {overflow}px sideways at 320px; sticking out: {culprits}"


def press_until_focused(page, selector: str, key: str = "Tab", limit: int = 150) -> None:
    """Move the keyboard focus (Tab) until the element matching `selector` has it."""
    target = page.locator(selector).first
    target.wait_for()
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never received keyboard focus after {limit} × {key}")


def downloads_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- data on the live server (which keeps real time, unlike the in-process app's frozen clock) ------------------


def api(live_server, token: str):
    import httpx

    return httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {token}"}, timeout=15)


def create_webinar(live_server, token: str, title: str = "Webinar integrale veiligheid", publish: bool = True) -> dict:
    from datetime import UTC, datetime, timedelta

    start = (datetime.now(UTC) + timedelta(days=21)).replace(hour=12, minute=0, second=0, microsecond=0)
    with api(live_server, token) as client:
        response = client.post("/api/events", json={
            "title": title, "kind": "webinar", "format": "online", "summary": "Over integrale veiligheid in de praktijk.",
            "join_url": "https://meet.example.org/cot-webinar", "capacity": 100,
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "contact_name": "COT", "contact_email": "webinar@cot.nl",
        })
        assert response.status_code == 201, response.text
        slug = response.json()["slug"]
        session = client.post(f"/api/events/{slug}/sessions", json={
            "title": "Wat is integrale veiligheid?", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "abstract": "Een inleiding.",
        })
        assert session.status_code == 201, session.text
        speaker = client.post(f"/api/events/{slug}/sessions/{session.json()['id']}/speakers", json={
            "email": "spreker@universiteit.nl", "name": "Sanne Spreker", "organisation": "Universiteit Leiden",
        })
        assert speaker.status_code in (200, 201), speaker.text
        if publish:
            assert client.post(f"/api/events/{slug}/publish").status_code == 200
        event = client.get(f"/api/organiser/events/{slug}").json()
        # The answer says only where the link was mailed; the speaker's id is in the session's speakers.
        shown = client.get(f"/api/events/{slug}/sessions").json()[0]
    return {**event, "session_id": session.json()["id"], "speaker_id": shown["speakers"][0]["id"]}


def register(live_server, slug: str, name: str = "Fatima de Vries", email: str = "fatima@gemeente-utrecht.nl") -> dict:
    import httpx

    response = httpx.post(f"{live_server.url}/api/events/{slug}/registrations", timeout=15,
                          json={"name": name, "email": email, "organisation": "Gemeente Utrecht"})
    assert response.status_code == 201, response.text
    return response.json()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
