"""Reminders follow the event's schedule, driven by a controlled clock: each entry once, to confirmed registrants
of published events only, re-timed when the event moves, once also under two workers; with the organiser's text."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from events.mail.tables import OutboxMessage
from events.programme import service as programme
from events.programme.tables import Event
from events.registration import service
from events.registration.service import Applicant
from events.registration.tables import ReminderSent
from tests.conftest import NOW, http_client, login, post_form
from tests.ical.checks import check_calendar, only_event, unfolded


async def reminders_to(email: str) -> list[dict]:
    return await OutboxMessage.select().where(
        (OutboxMessage.kind == "reminder") & (OutboxMessage.to_address == email)
    ).order_by(OutboxMessage.id)


async def test_each_reminder_of_the_schedule_goes_once(site, make_event, clock):
    event = await make_event()  # the standard schedule: a day and an hour before
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    start = event["starts_at"]
    assert await service.queue_due_reminders(start - timedelta(hours=24, minutes=1), site) == 0
    assert await service.queue_due_reminders(start - timedelta(hours=24), site) == 1
    assert await service.queue_due_reminders(start - timedelta(hours=23), site) == 0
    assert await service.queue_due_reminders(start - timedelta(minutes=61), site) == 0
    assert await service.queue_due_reminders(start - timedelta(minutes=60), site) == 1
    assert await service.queue_due_reminders(start - timedelta(minutes=10), site) == 0
    assert await service.queue_due_reminders(start + timedelta(minutes=1), site) == 0
    assert len(await reminders_to("anna@x.nl")) == 2


async def test_only_confirmed_registrants_of_a_published_event_are_reminded(site, make_event):
    full = await make_event(capacity=1)
    await service.register(full["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    await service.register(full["slug"], Applicant("Bob", "bob@x.nl"), NOW, site)  # waiting list
    carla = await service.register(full["slug"], Applicant("Carla", "carla@x.nl"), NOW, site)
    await service.cancel_registration(carla.id, NOW, site)
    cancelled = await make_event()
    await service.register(cancelled["slug"], Applicant("Dirk", "dirk@x.nl"), NOW, site)
    await Event.update({Event.status: "cancelled"}).where(Event.id == cancelled["id"])
    assert await service.queue_due_reminders(full["starts_at"] - timedelta(hours=1), site) == 1
    assert [m["to_address"] for m in await OutboxMessage.select().where(OutboxMessage.kind == "reminder")] == ["anna@x.nl"]


async def test_a_moved_event_is_reminded_again_at_its_new_time(site, make_event):
    event = await make_event(reminder_minutes="1440")
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    start = event["starts_at"]
    assert await service.queue_due_reminders(start - timedelta(hours=24), site) == 1
    later = start + timedelta(days=2)
    await programme.update_event(
        await programme.event_by_id(event["id"]), {"starts_at": later, "ends_at": later + timedelta(hours=2)},
        start - timedelta(hours=20),
    )
    assert await service.queue_due_reminders(start - timedelta(hours=1), site) == 0  # the old time passes quietly
    assert await service.queue_due_reminders(later - timedelta(hours=24, minutes=1), site) == 0
    assert await service.queue_due_reminders(later - timedelta(hours=24), site) == 1
    assert await service.queue_due_reminders(later - timedelta(hours=2), site) == 0
    assert len(await reminders_to("anna@x.nl")) == 2


async def test_a_late_registration_gets_only_the_reminders_still_ahead(site, make_event):
    event = await make_event()
    start = event["starts_at"]
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), start - timedelta(hours=3), site)
    assert await service.queue_due_reminders(start - timedelta(hours=3), site) == 0  # the day-before one passed
    assert await service.queue_due_reminders(start - timedelta(hours=1), site) == 1
    # A worker that was down: of the reminders due at once only the nearest goes.
    await service.register(event["slug"], Applicant("Bob", "bob@x.nl"), NOW, site)
    assert await service.queue_due_reminders(start - timedelta(minutes=30), site) == 1
    assert await ReminderSent.count() == 4  # each entry of the schedule is done for both of them
    assert len(await reminders_to("bob@x.nl")) == 1


async def test_two_workers_never_send_a_reminder_twice(site, make_event):
    event = await make_event()
    for i in range(12):
        await service.register(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW, site)
    due = event["starts_at"] - timedelta(hours=24)
    counts = await asyncio.gather(*(service.queue_due_reminders(due, site) for _ in range(2)))
    assert sum(counts) == 12
    assert await OutboxMessage.count().where(OutboxMessage.kind == "reminder") == 12


async def test_the_organisers_text_fills_its_placeholders_in_the_events_language(site, make_event):
    for language, text in (("nl", "Denk aan {title} op {time}. Deelnemen: {join_link} Afmelden: {manage_link}"),
                           ("en", "Remember {title} on {time}. Join: {join_link} Manage: {manage_link}")):
        event = await make_event(language=language)
        reminders = [{"minutes_before": 1440, f"text_{language}": text}, {"minutes_before": 60}]
        await programme.update_event(await programme.event_by_id(event["id"]), {"reminders": reminders}, NOW)
        await service.register(event["slug"], Applicant("Anna", f"anna-{language}@x.nl"), NOW, site)
        assert await service.queue_due_reminders(event["starts_at"] - timedelta(hours=24), site) == 1
        assert await service.queue_due_reminders(event["starts_at"] - timedelta(hours=1), site) == 1
        custom, standard = await reminders_to(f"anna-{language}@x.nl")
        body = custom["text_body"]
        assert "{" not in body and event["title"] in body
        assert f"{site.base_url}/j/" in body and "/registrations/" in body  # the personal join and manage links
        assert ("november 2026" if language == "nl" else "November 2026") in body
        assert body.split("\n")[2].startswith("Denk aan" if language == "nl" else "Remember")
        assert "Denk aan" not in standard["text_body"] and "Remember" not in standard["text_body"]
        assert ("Ter herinnering" if language == "nl" else "A reminder") in standard["text_body"]
        assert "Denk aan" in custom["html_body"] or "Remember" in custom["html_body"]


async def test_the_calendar_alarms_follow_the_same_schedule(site, make_event):
    event = await make_event(reminder_minutes="2880,30")
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    confirmation = await OutboxMessage.select().where(OutboxMessage.kind == "confirmed").first()
    ics = confirmation["calendar_ics"].replace("\r\n ", "")
    assert "TRIGGER:-P2D" in ics and "TRIGGER:-PT30M" in ics and ics.count("BEGIN:VALARM") == 2


async def test_the_organiser_edits_the_schedule_and_previews_each_reminder(app, organiser_client, make_event, other_organiser):
    event = await make_event(title="Weerbaar webinar")
    url = f"/organiser/events/{event['slug']}/reminders"
    page = await organiser_client.get(url)
    assert page.status_code == 200 and 'value="1440"' in page.text and 'value="60"' in page.text
    assert "Herinneringen" in page.text and "{join_link}" in page.text
    refused = await post_form(organiser_client, url, {"minutes_0": "5", "text_nl_0": "Tot zo!"})
    assert refused.status_code == 400
    assert "Vul hoogstens 5 herinneringen in, elk 10 tot en met 40320 minuten" in refused.text
    assert "Tot zo!" in refused.text  # what was typed stays
    unknown = await post_form(organiser_client, url, {"minutes_0": "60", "text_nl_0": "Hallo {naam}"})
    assert unknown.status_code == 400 and "alleen de invulvelden" in unknown.text
    saved = await post_form(organiser_client, url, {
        "minutes_0": "2880", "text_nl_0": "Over twee dagen: {title}", "text_en_0": "In two days: {title}",
        "minutes_1": "30", "text_nl_1": "", "text_en_1": "",
    })
    assert saved.status_code == 303
    stored = await Event.select(Event.reminder_minutes).where(Event.id == event["id"]).first()
    assert stored["reminder_minutes"] == "2880,30"
    dutch = await organiser_client.get(f"{url}/preview?minutes=2880&language=nl")
    assert dutch.status_code == 200 and "Over twee dagen: Weerbaar webinar" in dutch.text
    assert "Herinnering: Weerbaar webinar begint binnenkort" in dutch.text
    english = await organiser_client.get(f"{url}/preview?minutes=2880&language=en")
    assert "In two days: Weerbaar webinar" in english.text and "Reminder: Weerbaar webinar starts soon" in english.text
    standard = await organiser_client.get(f"{url}/preview?minutes=30&language=nl")
    assert "Ter herinnering: Weerbaar webinar begint binnenkort." in standard.text
    assert (await organiser_client.get(f"{url}/preview?minutes=1440")).status_code == 404  # not in the schedule
    async with http_client(app) as other:
        await login(other, other_organiser.email)
        assert (await other.get(url)).status_code == 404
        assert (await other.get(f"{url}/preview?minutes=30")).status_code == 404
        assert (await post_form(other, url, {"minutes_0": "60"})).status_code == 404


async def test_a_new_reminder_schedule_raises_the_calendar_sequence_everywhere(api, site, make_event, organiser_token):
    """Invitations, downloads and feeds carry the VALARMs of the schedule, so a calendar must see a new version
    (read by both parsers, and on the bytes)."""
    event = await make_event(reminder_minutes="1440")
    token = (await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)).token
    old = event["sequence"]
    patched = await api.patch(f"/api/events/{event['slug']}", json={"reminders": [{"minutes_before": 30}]},
                              headers={"Authorization": f"Bearer {organiser_token}"})
    assert patched.status_code == 200 and patched.json()["sequence"] == old + 1
    update = await OutboxMessage.select().where(OutboxMessage.kind == "event_changed").first()
    assert update is not None and update["to_address"] == "anna@x.nl"  # the calendar gets the new alarms
    for method, ics in (("REQUEST", update["calendar_ics"].encode()),
                        ("REQUEST", (await api.get(f"/registrations/{token}/invite.ics")).content),
                        ("PUBLISH", (await api.get(f"/events/{event['slug']}/event.ics")).content)):
        calendar, vcal = check_calendar(ics, method)
        vevent = only_event(calendar)
        assert int(vevent["SEQUENCE"]) == old + 1 and int(vcal.vevent.sequence.value) == old + 1
        assert [a["TRIGGER"].to_ical() for a in vevent.walk("VALARM")] == [b"-PT30M"]
        assert f"SEQUENCE:{old + 1}" in unfolded(ics) and "TRIGGER:-PT30M" in unfolded(ics)
    same = await api.patch(f"/api/events/{event['slug']}", json={"reminder_minutes": "30"},
                           headers={"Authorization": f"Bearer {organiser_token}"})
    assert same.json()["sequence"] == old + 1  # the same schedule again is no change
