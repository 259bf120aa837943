"""The follow-up mail's parts from evaluation and certificates (sections on registration's "registration_mail"
slot): attendees get the evaluation and the certificate link, no-shows the evaluation link only where the event
lets them answer; Dutch and English."""

from __future__ import annotations

import pytest

from events.evaluation import service
from events.registration import service as registration
from events.registration.tables import Registration


@pytest.fixture(autouse=True)
def followup_subjects(monkeypatch, app):
    """The follow-up kinds' subjects (registration adds them with the follow-up mail; set here so the test runs
    before and after that merge). The app registers the sections."""
    monkeypatch.setitem(registration.SUBJECTS, "followup_attended", "Thank you for attending %(title)s")
    monkeypatch.setitem(registration.SUBJECTS, "followup_no_show", "Sorry we missed you at %(title)s")


async def mail(kind: str, event: dict, email: str, site, clock) -> tuple[str, str]:
    row = await Registration.select().where(Registration.email == email).first()
    message = await registration.compose_registration_mail(kind, event, row, site, clock.now())
    return message.text_body, message.html_body


async def test_attendees_get_the_evaluation_and_the_certificate_link(make_event, participant, after, site, clock):
    event = await make_event()
    _, token = await participant(event)
    after(event)
    text, html = await mail("followup_attended", event, "anna@gemeente.nl", site, clock)
    manage = site.manage_url(token)
    assert f"Vul de evaluatie in (een paar minuten): {manage}/evaluation" in text
    assert f"Je bewijs van deelname (pdf): {manage}/certificate.pdf" in text
    assert f'href="{manage}/evaluation"' in html and f'href="{manage}/certificate.pdf"' in html
    english = await make_event(language="en")
    await participant(english, email="eve@gemeente.nl", language="en")
    text, _ = await mail("followup_attended", english, "eve@gemeente.nl", site, clock)
    assert "Fill in the evaluation (a few minutes)" in text and "Your certificate of attendance (PDF)" in text


async def test_no_shows_get_the_evaluation_link_only_when_the_event_lets_them(make_event, participant, after, site, clock):
    event = await make_event()
    await participant(event, attended=False)
    after(event)
    text, _ = await mail("followup_no_show", event, "anna@gemeente.nl", site, clock)
    assert "/evaluation" not in text and "certificate.pdf" not in text
    await service.set_no_shows_may_answer(event["id"], True)
    text, _ = await mail("followup_no_show", event, "anna@gemeente.nl", site, clock)
    assert "/evaluation" in text and "certificate.pdf" not in text


async def test_other_mails_and_answered_participants_get_no_link(make_event, participant, after, site, clock):
    event = await make_event()
    _, token = await participant(event)
    text, _ = await mail("confirmed", event, "anna@gemeente.nl", site, clock)
    assert "/evaluation" not in text and "certificate.pdf" not in text
    after(event)
    await service.answer(event, await registration.registration_by_token(token), {"q_overall": "5"}, False, clock.now())
    text, _ = await mail("followup_attended", event, "anna@gemeente.nl", site, clock)
    assert "/evaluation" not in text and "certificate.pdf" in text
