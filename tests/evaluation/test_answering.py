"""The participant's evaluation: who may answer, the default questions in Dutch and English, validation with the
error summary, the thank-you page, answering once (also under a concurrent double submit), anonymity unless the
participant agrees, and the webhook without personal data."""

from __future__ import annotations

import asyncio
import json

import pytest

from events.evaluation import service
from events.evaluation.tables import Answered, Response
from events.kernel.errors import Conflict, RuleViolation
from events.registration import service as registration
from events.webhooks.tables import WebhookDelivery, WebhookEndpoint
from tests.conftest import get_csrf, post_form


async def test_the_form_shows_the_default_questions_in_dutch_and_in_english(client, make_event, participant, after):
    event = await make_event()
    _, token = await participant(event)
    after(event)
    page = await client.get(f"/registrations/{token}/evaluation")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Welk cijfer geef je deze bijeenkomst in het geheel?" in page.text
    assert "Wat zou je veranderen aan deze bijeenkomst?" in page.text and 'name="consent"' in page.text
    english = await client.get(f"/registrations/{token}/evaluation?lang=en")
    assert "How would you rate this event overall?" in english.text and "What would you change" in english.text
    assert "Send my answers" in english.text


async def test_only_attendees_of_an_event_that_began_may_answer_unless_no_shows_are_let_in(client, make_event, participant, after, clock):
    event = await make_event()
    _, came = await participant(event)
    _, stayed_away = await participant(event, name="Bob", email="bob@gemeente.nl", attended=False)
    before = await client.get(f"/registrations/{came}/evaluation")
    assert before.status_code == 403 and "opent wanneer de bijeenkomst begint" in before.text
    after(event)
    refused = await client.get(f"/registrations/{stayed_away}/evaluation")
    assert refused.status_code == 403 and "deelnemers die erbij waren" in refused.text
    posted = await post_form(client, f"/registrations/{stayed_away}/evaluation", {"q_overall": "4"})
    assert posted.status_code == 403 and await Answered.count() == 0
    await service.set_no_shows_may_answer(event["id"], True)
    assert (await client.get(f"/registrations/{stayed_away}/evaluation")).status_code == 200
    assert (await client.get("/registrations/not-a-token/evaluation")).status_code == 404


async def test_wrong_answers_get_the_error_summary_and_write_nothing(client, make_event, participant, after):
    event = await make_event()
    _, token = await participant(event)
    after(event)
    await get_csrf(client, f"/registrations/{token}/evaluation")
    missing = await post_form(client, f"/registrations/{token}/evaluation", {"q_usefulness": "9", "q_change": "x" * 2001})
    assert missing.status_code == 400
    assert 'class="error-summary"' in missing.text and 'href="#field-q_overall"' in missing.text
    assert "Beantwoord deze vraag" in missing.text and "Kies een getal van 1 tot en met 5" in missing.text
    assert "Maximaal 2000 tekens" in missing.text
    control = await post_form(client, f"/registrations/{token}/evaluation", {"q_overall": "4", "q_change": "a\x00b"})
    assert control.status_code == 400  # refused before anything is written
    with pytest.raises(RuleViolation):
        service.clean_answers(await service.questions_of(event["id"]), {"q_overall": "4", "q_change": "a\x07b"})
    assert await Answered.count() == 0 and await Response.count() == 0


async def test_answers_are_stored_once_and_anonymously_and_answering_again_says_so(client, make_event, participant, after):
    event = await make_event()
    _, token = await participant(event)
    after(event)
    await get_csrf(client, f"/registrations/{token}/evaluation")
    answers = {"q_overall": "5", "q_usefulness": "4", "q_change": "Meer tijd voor vragen.\r\nEn koffie."}
    thanks = await post_form(client, f"/registrations/{token}/evaluation", answers)
    assert thanks.status_code == 200 and "Bedankt voor je antwoorden" in thanks.text and "anoniem" in thanks.text
    stored = await Response.select().first()
    assert stored["registration"] is None and stored["name"] is None
    assert json.loads(stored["answers"]) == {"overall": 5, "usefulness": 4, "change": "Meer tijd voor vragen.\r\nEn koffie."}
    again = await post_form(client, f"/registrations/{token}/evaluation", answers)
    assert again.status_code == 409 and "al ingevuld" in again.text
    page = await client.get(f"/registrations/{token}/evaluation?lang=en")
    assert page.status_code == 200 and "already filled in" in page.text
    assert await Response.count() == 1 and await Answered.count() == 1
    manage = await client.get(f"/registrations/{token}")
    assert "Je hebt de evaluatie ingevuld" in manage.text


async def test_a_concurrent_double_submit_stores_one_answer(make_event, participant, after, clock):
    event = await make_event()
    row, token = await participant(event)
    after(event)
    found = await registration.registration_by_token(token)
    outcomes = await asyncio.gather(
        *(service.answer(event, found, {"q_overall": str(n)}, consent=False, now=clock.now()) for n in (3, 4, 5, 2)),
        return_exceptions=True,
    )
    assert sum(1 for o in outcomes if o is None) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None), outcomes
    assert await Answered.count() == 1 and await Response.count() == 1


async def test_consent_shares_the_name_and_the_webhook_carries_no_personal_data(client, make_event, participant, after, organiser):
    event = await make_event()
    await WebhookEndpoint.insert(WebhookEndpoint(
        organisation=event["organisation"], url="https://hooks.example.org/x", secret_nonce="n" * 32,
        event_types="evaluation.answered", active=True,
    ))
    row, shared = await participant(event)
    _, hidden = await participant(event, name="Bob Geheim", email="bob@gemeente.nl")
    after(event)
    await get_csrf(client, f"/registrations/{shared}/evaluation")
    assert (await post_form(client, f"/registrations/{shared}/evaluation", {"q_overall": "4", "consent": "on"})).status_code == 200
    assert (await post_form(client, f"/registrations/{hidden}/evaluation", {"q_overall": "2", "q_change": "Korter"})).status_code == 200
    named = await Response.select().where(Response.name.is_not_null()).first()
    assert named["name"] == "Anna de Vries" and named["registration"] == row["id"]
    deliveries = await WebhookDelivery.select().order_by(WebhookDelivery.id)
    assert [d["event_type"] for d in deliveries] == ["evaluation.answered"] * 2
    data = [json.loads(d["data"]) for d in deliveries]
    assert data[0]["evaluation"] == {"anonymous": False, "registration": {"id": row["id"]}}
    assert data[1]["evaluation"] == {"anonymous": True} and data[1]["event"]["slug"] == event["slug"]
    text = " ".join(d["data"] for d in deliveries)
    assert "Bob" not in text and "Anna" not in text and "@" not in text and "Korter" not in text


async def test_the_retention_purge_makes_named_answers_anonymous(make_event, participant, after, clock):
    from datetime import timedelta  # noqa: PLC0415 - only this test moves past the retention

    event = await make_event()
    _, token = await participant(event)
    after(event)
    await service.answer(event, await registration.registration_by_token(token), {"q_overall": "5"}, True, clock.now())
    assert await service.purge_names(clock.now(), 365) == 0
    assert await service.purge_names(clock.now() + timedelta(days=366), 365) == 1
    stored = await Response.select().first()
    assert stored["name"] is None and stored["registration"] is None and json.loads(stored["answers"]) == {"overall": 5}
