"""The speaker's personal link by mail: queued with the link, sent through a real SMTP server, in the event's
language; a renewed link is mailed again; nobody with an account of their own gets one."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from events.mail.service import Deliverer
from events.mail.tables import OutboxMessage
from events.programme import service as programme
from tests.conftest import post_form
from tests.programme.helpers import make_event

LINK = re.compile(r"http://testserver\.local/p/([A-Za-z0-9_\-]+)")


@pytest.fixture
def settings(settings):
    return replace(settings, deliver_in_process=False)  # the test's own deliverer sends, through SMTP


def text_of(message) -> str:
    return next(part.get_content() for part in message.walk() if part.get_content_type() == "text/plain")


async def test_a_new_speaker_gets_the_personal_link_by_mail(organiser_client, organiser, other_organiser, client,
                                                            settings, clock, engine, smtp_server):
    event = await make_event(organiser.id, upload_deadline="2026-12-01T17:00")
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    base = f"/organiser/events/{event['slug']}"
    page = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers",
                           {"email": "nina@gemeente.nl", "name": "Nina <b>Nieuw</b>"})
    assert page.status_code == 200 and "Verstuurd naar nina@gemeente.nl." in page.text and not LINK.search(page.text)
    await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers", {"email": "nina@gemeente.nl"})  # has one
    assert await OutboxMessage.count() == 1
    # An organiser's own account gets the same answer and a mail too, telling them to sign in with their account.
    other = await post_form(organiser_client, f"{base}/sessions/{session_id}/speakers", {"email": other_organiser.email})
    assert f"Verstuurd naar {other_organiser.email}." in other.text
    assert await OutboxMessage.count() == 2

    sender = Deliverer(smtp_url=smtp_server.url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock,
                       engine=engine)
    assert await sender.deliver_due() == 2
    [message, own_account] = sorted(smtp_server.messages, key=lambda m: str(m["To"]) != "nina@gemeente.nl")
    assert not LINK.search(text_of(own_account)) and "/login" in text_of(own_account)
    assert str(message["To"]) == "nina@gemeente.nl"
    assert str(message["Subject"]) == "Uw persoonlijke link voor Weerbare organisatie"
    text = text_of(message)
    shown = LINK.search(text).group(1)
    assert "Keynote" in text and "1 december 2026" in text
    html = next(part.get_content() for part in message.walk() if part.get_content_type() == "text/html")
    assert "Nina &lt;b&gt;Nieuw&lt;/b&gt;" in html and "<b>Nieuw</b>" not in html
    assert (await client.get(f"/p/{shown}")).status_code == 303  # the mailed link signs the speaker in

    speaker_id = next(s.id for group in (await programme.speakers_of_event(event["id"])).values() for s in group)
    renewed = await post_form(organiser_client, f"{base}/speakers/{speaker_id}/link", {})
    assert await sender.deliver_due() == 1
    mailed = LINK.search(text_of(smtp_server.messages[-1])).group(1)
    assert mailed != shown and not LINK.search(renewed.text)
    assert (await client.get(f"/p/{shown}")).status_code == 404


async def test_an_english_event_mails_the_link_in_english(organiser, organiser_token, client, settings, clock, engine, smtp_server):
    event = await make_event(organiser.id, language="en")
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    added = await client.post(f"/api/events/{event['slug']}/sessions/{session_id}/speakers",
                              json={"email": "ann@example.org", "name": "Ann"},
                              headers={"Authorization": f"Bearer {organiser_token}"})
    assert added.status_code == 201 and added.json() == {"sent_to": "ann@example.org"}
    sender = Deliverer(smtp_url=smtp_server.url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock,
                       engine=engine)
    assert await sender.deliver_due() == 1
    [message] = smtp_server.messages
    assert str(message["Subject"]) == "Your personal link for Weerbare organisatie"
    assert LINK.search(text_of(message)) and "Dear Ann," in text_of(message)
