"""The follow-up mail after the event, driven by a controlled clock: attendees and confirmed no-shows get their own
text, each registration once (also under two workers, and a worker racing "send now"), after the delay, never for
a cancelled event; the organiser's texts with placeholders; the recordings in the mail; real SMTP delivery; the
organiser's page (Dutch and English) and the API."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from events.accounts import service as accounts
from events.app import create_app
from events.kernel.errors import Conflict, RuleViolation
from events.mail.jobs import worker_jobs
from events.mail.service.delivery import Deliverer
from events.mail.tables import OutboxMessage
from events.organisations import service as organisations
from events.programme import service as programme
from events.programme.tables import Event, Session
from events.registration import service
from events.registration.service import Applicant
from events.registration.tables import FollowupSent, Registration
from tests.conftest import NOW, PASSWORD, http_client, login, post_form

RECORDINGS = [
    {"url": "https://video.example.org/opening", "title": "Opening op video", "visibility": "public"},
    {"url": "https://video.example.org/intern", "title": "Alleen voor deelnemers", "visibility": "registrants",
     "transcript_url": "https://video.example.org/intern.vtt"},
]


async def followups(kind: str | None = None) -> list[dict]:
    query = OutboxMessage.select().where(OutboxMessage.kind.like("followup_%")).order_by(OutboxMessage.id)
    return [m for m in await query if kind is None or m["kind"] == kind]


async def webinar(make_event, site, **values) -> tuple[dict, dict[str, int]]:
    """A published webinar with a session carrying recordings, and Anna (joined online), Bob (checked in), Carla
    (a confirmed no-show), Dirk (waiting list) and Eva (cancelled)."""
    event = await make_event(capacity=3, **values)
    session = Session(event=event["id"], title="Opening", starts_at=event["starts_at"],
                      ends_at=event["starts_at"] + timedelta(minutes=30), recordings=json.dumps(RECORDINGS))
    await session.save()
    people = {}
    for name in ("Anna", "Bob", "Carla", "Dirk"):
        people[name] = (await service.register(event["slug"], Applicant(name, f"{name.lower()}@x.nl"), NOW, site)).id
    eva = await service.register(event["slug"], Applicant("Eva", "eva@x.nl"), NOW, site)
    await service.cancel_registration(eva.id, NOW, site)  # Dirk moves up: Eva's place frees
    await Registration.update({Registration.status: "waitlisted"}).where(Registration.id == people["Dirk"])
    await Registration.update({Registration.first_join_at: event["starts_at"]}).where(Registration.id == people["Anna"])
    await Registration.update({Registration.checked_in_at: event["starts_at"]}).where(Registration.id == people["Bob"])
    return await Event.select().where(Event.id == event["id"]).first(), people


async def test_attendees_and_no_shows_get_their_own_text_once_after_the_delay(site, make_event):
    event, _people = await webinar(make_event, site)
    end = event["ends_at"]
    assert event["followup_enabled"] and event["followup_delay_minutes"] == 120  # the defaults
    assert await service.queue_due_followups(end, site) == 0
    assert await service.queue_due_followups(end + timedelta(minutes=119), site) == 0
    assert await service.queue_due_followups(end + timedelta(minutes=120), site) == 3
    assert await service.queue_due_followups(end + timedelta(minutes=121), site) == 0
    assert await service.queue_due_followups(end + timedelta(days=2), site) == 0
    attended = await followups("followup_attended")
    no_show = await followups("followup_no_show")
    assert sorted(m["to_address"] for m in attended) == ["anna@x.nl", "bob@x.nl"]
    assert [m["to_address"] for m in no_show] == ["carla@x.nl"]  # not Dirk (waiting list), not Eva (cancelled)
    anna = next(m for m in attended if m["to_address"] == "anna@x.nl")
    assert anna["subject"] == f"Bedankt voor uw deelname aan {event['title']}"
    assert "Bedankt voor uw deelname" in anna["text_body"] and "Uw aanmeldpagina" in anna["text_body"]
    # Both recordings (registrants' ones too: it goes to confirmed registrations), the transcript, no join link.
    for mail in (anna, no_show[0]):
        assert "Opening op video: https://video.example.org/opening" in mail["text_body"]
        assert "Alleen voor deelnemers: https://video.example.org/intern" in mail["text_body"]
        assert "https://video.example.org/intern.vtt" in mail["text_body"]
        assert "/j/" not in mail["text_body"] and "secret-room" not in mail["text_body"]
        assert '<a href="https://video.example.org/opening">Opening op video</a>' in mail["html_body"]
        assert mail["calendar_ics"] is None
    assert no_show[0]["subject"] == f"We hebben u gemist bij {event['title']}"
    assert "U kunt nog terugkijken wat u hebt gemist" in no_show[0]["text_body"]
    assert await FollowupSent.count() == 3


async def test_a_worker_that_was_down_sends_within_the_week_and_then_no_more(site, make_event):
    early, _ = await webinar(make_event, site)
    assert await service.queue_due_followups(early["ends_at"] + timedelta(days=6, hours=23), site) == 3
    late, _ = await webinar(make_event, site)
    assert await service.queue_due_followups(late["ends_at"] + timedelta(days=7, hours=3), site) == 0
    assert len(await followups()) == 3


async def test_two_workers_and_send_now_never_send_twice(site, make_event):
    event = await make_event()
    for i in range(12):
        await service.register(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW, site)
    due = event["ends_at"] + timedelta(hours=2)
    fresh = await programme.event_by_id(event["id"])
    counts = await asyncio.gather(
        service.queue_due_followups(due, site), service.queue_due_followups(due, site),
        service.send_followup_now(fresh, site, due),
    )
    assert sum(counts) == 12
    assert await OutboxMessage.count().where(OutboxMessage.kind == "followup_no_show") == 12
    assert await FollowupSent.count() == 12


async def test_the_database_refuses_a_second_followup_for_a_registration(site, make_event):
    event = await make_event()
    row = await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    await FollowupSent(registration=row.id, kind="followup_no_show", sent_at=NOW).save()
    with pytest.raises(Exception, match="(?i)unique"):
        await FollowupSent(registration=row.id, kind="followup_attended", sent_at=NOW).save()


async def test_no_followup_for_a_cancelled_or_switched_off_event_and_none_before_the_end(site, make_event):
    cancelled, _ = await webinar(make_event, site)
    await Event.update({Event.status: "cancelled"}).where(Event.id == cancelled["id"])
    off, _ = await webinar(make_event, site, followup_enabled=False)
    due = cancelled["ends_at"] + timedelta(hours=3)
    assert await service.queue_due_followups(due, site) == 0
    with pytest.raises(Conflict):
        await service.send_followup_now(await programme.event_by_id(cancelled["id"]), site, due)
    with pytest.raises(Conflict):  # not before the event has ended
        await service.send_followup_now(await programme.event_by_id(off["id"]), site, off["ends_at"] - timedelta(minutes=1))
    # Switched off: the job keeps quiet, but the organiser may still send it by hand, once.
    assert await service.send_followup_now(await programme.event_by_id(off["id"]), site, due) == 3
    assert await service.send_followup_now(await programme.event_by_id(off["id"]), site, due) == 0
    assert {m["event"] for m in await followups()} == {off["id"]}


async def test_a_chosen_delay_and_the_organisers_texts_with_placeholders(site, make_event):
    for language in ("nl", "en"):
        event = await make_event(language=language)
        await programme.update_event(await programme.event_by_id(event["id"]), {"followup": {
            "delay_minutes": 30,
            f"text_attended_{language}": "Dank! {title} op {time}. Uw pagina: {manage_link}",
            f"text_no_show_{language}": "Gemist: {title}",
        }}, NOW)
        anna = await service.register(event["slug"], Applicant("Anna", f"anna-{language}@x.nl"), NOW, site)
        await service.register(event["slug"], Applicant("Bob", f"bob-{language}@x.nl"), NOW, site)
        await Registration.update({Registration.first_join_at: event["starts_at"]}).where(Registration.id == anna.id)
        assert await service.queue_due_followups(event["ends_at"] + timedelta(minutes=29), site) == 0
        assert await service.queue_due_followups(event["ends_at"] + timedelta(minutes=30), site) == 2
        [attended] = [m for m in await followups("followup_attended") if m["event"] == event["id"]]
        [no_show] = [m for m in await followups("followup_no_show") if m["event"] == event["id"]]
        assert "{" not in attended["text_body"] and f"Dank! {event['title']} op " in attended["text_body"]
        assert f"Uw pagina: {site.base_url}/registrations/" in attended["text_body"]
        assert ("november 2026" if language == "nl" else "November 2026") in attended["text_body"]
        assert f"Gemist: {event['title']}" in no_show["text_body"]
        assert attended["subject"] == (f"Bedankt voor uw deelname aan {event['title']}" if language == "nl"
                                       else f"Thank you for taking part in {event['title']}")

    # A no-show of an event without recordings gets the standard text that promises none.
    event = await make_event()
    await service.register(event["slug"], Applicant("Carla", "carla@x.nl"), NOW, site)
    assert await service.queue_due_followups(event["ends_at"] + timedelta(hours=2), site) == 1
    [plain] = [m for m in await followups("followup_no_show") if m["event"] == event["id"]]
    assert "Hopelijk zien we u bij een volgend evenement" in plain["text_body"] and "Opnames" not in plain["text_body"]


async def test_unknown_placeholders_and_a_bad_delay_are_refused(make_event):
    event = await make_event()
    for followup, field in (({"delay_minutes": -5}, "followup_delay_minutes"),
                            ({"delay_minutes": 20161}, "followup_delay_minutes"),
                            ({"text_attended_nl": "Hallo {naam}"}, "text_attended_nl"),
                            ({"text_no_show_en": "x" * 2001}, "text_no_show_en"),
                            ({"text_no_show_nl": "Hallo\x00"}, "text_no_show_nl")):
        with pytest.raises(RuleViolation) as refused:
            await programme.update_event(await programme.event_by_id(event["id"]), {"followup": followup}, NOW)
        assert field in refused.value.errors
    assert (await programme.event_by_id(event["id"]))["followup_delay_minutes"] == 120  # nothing half-written


async def test_the_followup_arrives_over_smtp(site, make_event, settings, clock, engine, smtp_server):
    event, _ = await webinar(make_event, site, language="en")
    clock.set(event["ends_at"] + timedelta(hours=2))
    assert await service.queue_due_followups(clock.now(), site) == 3
    await OutboxMessage.delete().where(OutboxMessage.kind.not_like("followup_%"))
    sender = Deliverer(smtp_url=smtp_server.url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock,
                       engine=engine)
    assert await sender.deliver_due() == 3
    [carla] = smtp_server.to("carla@x.nl")
    assert str(carla["Subject"]) == f"We missed you at {event['title']}"
    text = carla.get_body(("plain",)).get_content()
    assert "You can still watch what you missed" in text and "https://video.example.org/intern" in text
    [anna] = smtp_server.to("anna@x.nl")
    assert str(anna["Subject"]) == f"Thank you for taking part in {event['title']}"
    assert "Your registration page" in anna.get_body(("plain",)).get_content()


async def test_the_organisers_followup_page_previews_saves_and_sends(app, organiser_client, make_event, site, clock):
    event, _ = await webinar(make_event, site, title="Weerbaar webinar")
    url = f"/organiser/events/{event['slug']}/followup"
    page = await organiser_client.get(url)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Nazending na afloop" in page.text and "{manage_link}" in page.text
    assert "Bedankt voor uw deelname aan Weerbaar webinar" in page.text  # the Dutch preview of the attendees' mail
    assert "Thank you for taking part in Weerbaar webinar" in page.text  # and the English one
    assert "We hebben u gemist bij Weerbaar webinar" in page.text and "We missed you at Weerbaar webinar" in page.text
    assert "zelf versturen zodra het evenement is afgelopen" in page.text  # not ended yet: no button
    refused = await post_form(organiser_client, url, {"followup_enabled": "on", "followup_delay_minutes": "veel",
                                                      "text_attended_nl": "Tot ziens {naam}"})
    assert refused.status_code == 400 and "Vul de wachttijd in hele minuten" in refused.text
    assert "alleen de invulvelden {title}, {time} en {manage_link}" in refused.text and "Tot ziens {naam}" in refused.text
    saved = await post_form(organiser_client, url, {"followup_delay_minutes": "45", "text_no_show_nl": "Jammer! {title}"})
    assert saved.status_code == 303
    stored = await programme.event_by_id(event["id"])
    assert stored["followup_enabled"] is False and stored["followup_delay_minutes"] == 45  # the box was left empty
    page = await organiser_client.get(url)
    assert "Jammer! Weerbaar webinar" in page.text and "automatische nazending staat uit" in page.text
    early = await post_form(organiser_client, f"{url}/send", {})
    assert early.status_code == 409 and "pas worden verstuurd als het evenement is afgelopen" in early.text
    clock.set(event["ends_at"] + timedelta(minutes=5))
    sent = await post_form(organiser_client, f"{url}/send", {})
    assert sent.status_code == 303 and sent.headers["location"].endswith("/followup?sent=3")
    page = await organiser_client.get(f"{url}?sent=3")
    assert "Nu klaargezet om te versturen: 3 e-mails." in page.text
    assert "<dd>2</dd>" in page.text and "<dd>1</dd>" in page.text  # attended, no-show
    assert (await post_form(organiser_client, f"{url}/send", {})).status_code == 303
    assert len(await followups()) == 3  # "send now" again sends nobody a second one


async def test_the_page_in_english_and_a_viewer_reads_without_forms(app, organiser_client, make_event, site, clock):
    event, _ = await webinar(make_event, site, title="Resilient webinar")
    viewer = await accounts.create_user("kijker@gemeente.nl", "organiser", password=PASSWORD, name="Kijker")
    await organisations.add_member(event["organisation"], viewer.id, "viewer", NOW)
    url = f"/organiser/events/{event['slug']}/followup"
    english = await organiser_client.get(f"{url}?lang=en")
    assert english.status_code == 200 and "Follow-up after the event" in english.text
    assert "Text for participants who did not come, in English" in english.text
    assert "Thank you for taking part in Resilient webinar" in english.text
    clock.set(event["ends_at"] + timedelta(hours=1))
    assert "Send now" in (await organiser_client.get(f"{url}?lang=en")).text
    async with http_client(app) as viewer_client:
        await login(viewer_client, viewer.email)
        read = await viewer_client.get(url)
        assert read.status_code == 200 and "Nu versturen" not in read.text and 'name="text_attended_nl"' not in read.text
        assert (await post_form(viewer_client, f"{url}/send", {})).status_code == 403
        assert (await post_form(viewer_client, url, {"followup_delay_minutes": "10"})).status_code == 403
    assert await FollowupSent.count() == 0


async def test_the_api_reads_and_writes_the_followup_and_sends_it(app, client, organiser_token, make_event, site, clock):
    event, _ = await webinar(make_event, site)
    auth = {"Authorization": f"Bearer {organiser_token}"}
    mine = (await client.get(f"/api/organiser/events/{event['slug']}", headers=auth)).json()
    assert mine["followup"] == {"enabled": True, "delay_minutes": 120, "text_attended_nl": "", "text_attended_en": "",
                                "text_no_show_nl": "", "text_no_show_en": ""}
    patched = await client.patch(f"/api/events/{event['slug']}", json={"followup": {"enabled": False, "text_attended_en": "Thanks, {title}"}}, headers=auth)
    assert patched.status_code == 200, patched.text
    assert patched.json()["followup"]["enabled"] is False and patched.json()["followup"]["delay_minutes"] == 120
    assert patched.json()["followup"]["text_attended_en"] == "Thanks, {title}"
    bad = await client.patch(f"/api/events/{event['slug']}", json={"followup": {"delay_minutes": -1}}, headers=auth)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "followup_delay_minutes"
    early = await client.post(f"/api/events/{event['slug']}/followup/send", headers=auth)
    assert early.status_code == 409
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/events/{slug}/followup/send"]["post"]
    assert {"200", "409", "404", "403"} <= set(operation["responses"])
    assert "followup" in schema["components"]["schemas"]["OrganiserEvent"]["properties"]


async def test_the_workers_rounds_send_the_followup_on_schedule(settings, clock, engine, site, make_event):
    """The job is wired into the worker (`events serve` and `events worker` run the app's rounds)."""
    event, _ = await webinar(make_event, site)
    jobs = worker_jobs(create_app(settings, clock=clock, engine=engine).state)
    clock.set(event["ends_at"] + timedelta(minutes=119))
    await jobs.run_rounds(clock.now)
    assert await followups() == []
    clock.set(event["ends_at"] + timedelta(minutes=120))
    await jobs.run_rounds(clock.now)
    await jobs.run_rounds(clock.now)
    assert len(await followups()) == 3
