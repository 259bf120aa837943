"""The journeys of issue 9 in a real browser, each completed by keyboard (Tab, typing, Enter) and ending in a
screenshot under test-artifacts/."""

from __future__ import annotations

import email
import re
import time
from email import policy
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, audit, create_webinar, press_until_focused


@pytest.fixture
def webinar(live_server, organiser_token) -> dict:
    return create_webinar(live_server, organiser_token)


def manage_link_from_mail(mail_dir: Path, address: str, timeout: float = 20) -> str:
    """The manage link as the participant gets it: from the confirmation mail (written as .eml without SMTP)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("**/*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if address not in str(message["To"]):
                continue
            body = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"https?://\S+/registrations/[\w-]+", body)
            if found:
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no confirmation mail with a manage link for {address} in {mail_dir}")


def type_into(page, selector: str, text: str) -> None:
    press_until_focused(page, selector)
    page.keyboard.type(text)


def test_participant_registers_downloads_the_invite_and_cancels_by_keyboard(live_server, webinar, page):
    """Keyboard only: Tab, Enter and typing; no clicks."""
    slug, address = webinar["slug"], "fatima@gemeente-utrecht.nl"
    page.goto("/")
    press_until_focused(page, f'main a[href="/events/{slug}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{slug}")
    assert page.locator("h1").inner_text() == webinar["title"]
    assert webinar["join_url"] not in page.content()  # never on a public page

    # The event page (from the public cache) leads to the registration page, which holds the form.
    press_until_focused(page, f'main a.button[href="/events/{slug}/register"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{slug}/register")
    type_into(page, "#field-name", "Fatima de Vries")
    type_into(page, "#field-email", address)
    type_into(page, "#field-organisation", "Gemeente Utrecht")
    press_until_focused(page, "form.registration-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/registrations/**")
    assert "U bent aangemeld" in page.inner_text("main") or "aangemeld" in page.inner_text("main").lower()

    # The manage link from the confirmation mail opens the participant's own page, join URL included.
    link = manage_link_from_mail(live_server.settings.data_dir / "mail", address)
    page.goto(link.replace(live_server.settings.base_url, ""))
    assert "Fatima de Vries" in page.inner_text("main")
    assert webinar["join_url"] in page.content()
    audit(page, "manage page")

    press_until_focused(page, 'a[download][href$="invite.ics"]')
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    invite = Path(download_info.value.path()).read_text()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "participant-invite.ics").write_text(invite)
    assert "BEGIN:VCALENDAR" in invite and "METHOD:REQUEST" in invite
    assert webinar["title"] in invite.replace("\r\n ", "")

    press_until_focused(page, 'a[href$="/cancel"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/cancel")
    press_until_focused(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/registrations/[\w-]+$"))
    assert "Geannuleerd" in page.inner_text("main") or "geannuleerd" in page.inner_text("main")
    assert webinar["join_url"] not in page.content()
    audit(page, "cancelled registration")


def activate(page, selector: str) -> None:
    """Tab to a link or button and press Enter."""
    press_until_focused(page, selector)
    page.keyboard.press("Enter")


def test_organiser_creates_publishes_and_exports_by_keyboard(live_server, organiser, page):
    from datetime import UTC, datetime, timedelta

    from tests.conftest import PASSWORD
    from tests.e2e.conftest import register

    page.goto("/login")
    type_into(page, "#field-email", organiser.email)
    type_into(page, "#field-password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/organiser")
    activate(page, 'main a[href="/organiser/new-event"]')
    page.wait_for_url("**/organiser/new-event")
    start = (datetime.now(UTC) + timedelta(days=40)).replace(hour=13, minute=0)
    type_into(page, "#field-title", "Webinar weerbare organisatie")
    press_until_focused(page, "#field-kind")
    page.keyboard.type("Webinar")  # type-ahead on a closed select
    press_until_focused(page, "#field-format")
    page.keyboard.type("Online")
    for field, moment in (("#field-starts_at", start), ("#field-ends_at", start + timedelta(hours=2))):
        # Headless Chromium lays datetime-local out as mm/dd/yyyy hh:mm whatever the locale; digits advance
        # through the date segments, an arrow key moves on to the time.
        type_into(page, field, moment.strftime("%m%d%Y"))
        page.keyboard.press("ArrowRight")
        page.keyboard.type(moment.strftime("%H%M"))
        assert page.locator(field).input_value() == moment.strftime("%Y-%m-%dT%H:%M")
    type_into(page, "#field-join_url", "https://meet.example.org/weerbaar")
    type_into(page, "#field-capacity", "50")
    assert page.locator("#field-kind").input_value() == "webinar"
    press_until_focused(page, "main form button[type=submit] >> nth=-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/organiser/events/[\w-]+(\?.*)?$"))
    slug = re.search(r"/organiser/events/([\w-]+)", page.url).group(1)
    assert "Concept" in page.inner_text("main")

    activate(page, f'a[href="/organiser/events/{slug}/status/publish"]')
    page.wait_for_url("**/status/publish")
    activate(page, "main form button[type=submit]")
    page.wait_for_url(f"**/organiser/events/{slug}*")
    assert "Gepubliceerd" in page.inner_text("main")
    assert page.goto(f"/events/{slug}").status == 200  # now public

    register(live_server, slug, name="Jan Jansen", email="jan@ministerie.nl")
    page.goto(f"/organiser/events/{slug}")
    activate(page, f'a[href="/organiser/events/{slug}/registrations"]')
    page.wait_for_url(f"**/organiser/events/{slug}/registrations")
    assert "Jan Jansen" in page.inner_text("main")
    press_until_focused(page, f'a[href="/organiser/events/{slug}/registrations/export"]')
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    (ARTIFACTS / "organiser-export.csv").write_text(text)
    assert "Jan Jansen" in text and "jan@ministerie.nl" in text
    audit(page, "attendee list")


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
async def mailed_speaker_link(webinar) -> str:
    """The personal link as the speaker got it: from the mail in the outbox (the organiser never sees it)."""
    from events.mail.tables import OutboxMessage  # noqa: PLC0415 - only this journey reads the outbox

    row = await OutboxMessage.select(OutboxMessage.text_body).where(OutboxMessage.kind == "speaker_link").first()
    return re.search(r"https?://\S+/p/[A-Za-z0-9_\-]+", row["text_body"]).group(0)


def test_speaker_opens_the_personal_link_and_uploads_a_pdf_by_keyboard(live_server, webinar, mailed_speaker_link, page, tmp_path):
    link = mailed_speaker_link
    slides = tmp_path / "integrale-veiligheid.pdf"
    slides.write_bytes(MINIMAL_PDF)
    page.goto(link.replace(live_server.settings.base_url, ""))
    page.wait_for_url("**/speaker")
    assert "Wat is integrale veiligheid?" in page.inner_text("main")

    # By keyboard: Tab to the file field (picking the file is the operating system's dialog, which a headless
    # browser does not open), then Tab to the button and Enter.
    field_id = f"#field-file-{webinar['session_id']}"
    press_until_focused(page, field_id)
    page.locator(field_id).set_input_files(str(slides))
    press_until_focused(page, f"form:has({field_id}) button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.locator("main", has_text="integrale-veiligheid.pdf").wait_for()
    assert "integrale-veiligheid.pdf" in page.inner_text("main")
    audit(page, "speaker home after upload")

    # The file is really stored: its download link answers with the PDF bytes.
    href = page.locator('main a[href^="/materials/"]').first.get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")


@pytest.fixture
async def quiz_of_webinar(webinar, organiser, engine) -> int:
    from events.quiz import service as quiz
    from events.quiz.service import QuestionInput

    quiz_id = await quiz.create_quiz(webinar["id"], "Kennisquiz weerbaarheid")
    quiz_row, _ = await quiz.quiz_for_organiser(quiz_id, organiser)
    await quiz.save_question(engine, quiz_row, QuestionInput(
        text="Welk woord past het best bij weerbaarheid?", kind="single", time_limit_s=60,
        options=[("Veerkracht", True), ("Kwetsbaarheid", False)],
    ))
    return quiz_id


def test_host_runs_a_one_question_quiz_with_two_players(live_server, webinar, organiser, quiz_of_webinar, browser, page):
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD
    from tests.e2e.conftest import new_tab, sign_in

    host = page
    sign_in(host, organiser.email, PASSWORD)
    host.goto(f"/organiser/events/{webinar['slug']}/quizzes/{quiz_of_webinar}")
    activate(host, f'form[action$="/quizzes/{quiz_of_webinar}/runs"] button[type=submit]')
    host.wait_for_url("**/host")
    code = host.locator(".quiz-code").inner_text().strip()
    assert re.fullmatch(r"\d{4,8}", code)
    audit(host, "host lobby")

    players = {}
    for nickname in ("Ada", "Bas"):
        tab = new_tab(browser, live_server)
        tab.goto("/quiz")
        type_into(tab, "#field-code", code)
        type_into(tab, "#field-nickname", nickname)
        tab.keyboard.press("Enter")
        tab.locator("#play-live").wait_for(state="visible")
        players[nickname] = tab
    expect(host.locator("#host-player-count")).to_have_text("2")

    activate(host, "#host-next")
    host.locator("#host-question").wait_for(state="visible")
    assert "weerbaarheid" in host.locator("#host-question-text").inner_text()
    for nickname, choice in (("Ada", "Veerkracht"), ("Bas", "Kwetsbaarheid")):
        tab = players[nickname]
        tab.locator("#play-question").wait_for(state="visible")
        # Players read the question on their own device, and options carry letters, not only colours.
        assert "weerbaarheid" in tab.locator("#play-question-text").inner_text()
        assert tab.locator(".quiz-answer-marker").first.inner_text() == "A"
        if nickname == "Ada":
            audit(tab, "player with a question")
        # The question takes focus; Tab reaches the options; Enter answers.
        press_until_focused(tab, f".quiz-answer-button:has-text('{choice}')")
        tab.keyboard.press("Enter")
    expect(host.locator("#host-answered")).to_have_text("2")

    activate(host, "#host-reveal")
    host.locator("#host-distribution").wait_for(state="visible")
    audit(host, "host after reveal")
    players["Ada"].locator("#play-status").wait_for()
    activate(host, "#host-show-board")
    host.locator("#host-board").wait_for(state="visible")
    board = host.locator("#host-board").inner_text()
    assert board.index("Ada") < board.index("Bas"), board
    for nickname, tab in players.items():
        tab.screenshot(path=str(ARTIFACTS / f"quiz-player-{nickname}.png"), full_page=True)
    expect(players["Ada"].locator("#play-score")).not_to_have_text("0")
    assert players["Bas"].locator("#play-score").inner_text() == "0"
    for tab in players.values():
        tab.context.close()
