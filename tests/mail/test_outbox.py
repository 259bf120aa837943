"""The outbox: every registration mail through a real SMTP server (aiosmtpd), retries with backoff when SMTP is
down, bounded attempts, no duplicate sends with two deliverers, .eml files without SMTP, the calendar hook."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta

from events.mail.service import Deliverer, build_mime
from events.mail.tables import OutboxMessage
from events.registration import service
from events.registration.service import Applicant, ManageLinks, registration_mail_composer
from events.registration.tables import Registration
from tests.conftest import NOW, free_port, settings_env


def deliverer(settings, clock, engine, smtp_url=None, **kwargs) -> Deliverer:
    """The deliverer `events worker` builds (with the registration mail renderer), pointed at this SMTP URL."""
    return Deliverer(smtp_url=smtp_url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock,
                     engine=engine, composer=registration_mail_composer(ManageLinks.from_settings(settings)), **kwargs)


def parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


async def test_every_registration_mail_goes_through_smtp(settings, clock, engine, site, make_event, smtp_server):
    event = await make_event(capacity=1, title="Weerbare organisatie")
    anna = await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    await service.register(event["slug"], Applicant("Bob", "bob@x.nl"), NOW, site)
    await service.cancel_registration(anna.id, NOW, site)  # anna: cancelled; bob: promoted
    approval = await make_event(approval_required=True)
    await service.register(approval["slug"], Applicant("Carla", "carla@x.nl"), NOW, site)
    await service.notify_event_changed(event["id"], NOW, site)
    clock.set(event["starts_at"] - timedelta(hours=23))
    assert await service.queue_due_reminders(clock.now(), site) == 1
    assert await service.queue_due_reminders(clock.now(), site) == 0  # once per registration
    await service.notify_event_cancelled(event["id"], clock.now(), site)

    sender = deliverer(settings, clock, engine, smtp_server.url)
    assert await sender.deliver_due() == 8
    subjects = {(str(m["To"]), str(m["Subject"]).strip()) for m in smtp_server.messages}  # long subjects are folded
    assert subjects == {
        ("anna@x.nl", "Uw aanmelding voor Weerbare organisatie is bevestigd"),
        ("bob@x.nl", "U staat op de wachtlijst voor Weerbare organisatie"),
        ("anna@x.nl", "Uw aanmelding voor Weerbare organisatie is geannuleerd"),
        ("bob@x.nl", "Er is een plaats vrijgekomen: u bent aangemeld voor Weerbare organisatie"),
        ("carla@x.nl", f"We hebben uw aanmelding voor {approval['title']} ontvangen"),
        ("bob@x.nl", "Gewijzigd: Weerbare organisatie"),
        ("bob@x.nl", "Herinnering: Weerbare organisatie begint binnenkort"),
        ("bob@x.nl", "Geannuleerd: Weerbare organisatie"),
    }
    assert len(smtp_server.messages) == 8
    for message in smtp_server.messages:
        body = parts(message)
        assert "text/plain" in body and "text/html" in body
    reminder = next(m for m in smtp_server.messages if "Herinnering" in str(m["Subject"]))
    bob = await Registration.select().where(Registration.email == "bob@x.nl").first()
    assert f"{site.base_url}/j/{site.join_token(bob)}" in parts(reminder)["text/plain"]  # the personal join link
    waitlisted = next(m for m in smtp_server.messages if "wachtlijst" in str(m["Subject"]))
    assert "secret-room-42" not in waitlisted.as_string() and "/j/" not in waitlisted.as_string()  # only when confirmed
    assert "op plaats 1" in parts(waitlisted)["text/plain"]
    assert "/registrations/" in parts(waitlisted)["text/plain"]
    assert await OutboxMessage.count().where(OutboxMessage.status != "sent") == 0


async def test_english_event_gets_english_mail_and_html_is_escaped(settings, clock, engine, site, make_event, smtp_server):
    event = await make_event(language="en", title="Resilience <b>day</b>")
    await service.register(event["slug"], Applicant("<script>x</script>", "e@x.nl"), NOW, site)
    await deliverer(settings, clock, engine, smtp_server.url).deliver_due()
    (message,) = smtp_server.messages
    assert str(message["Subject"]) == "Your registration for Resilience <b>day</b> is confirmed"
    html = parts(message)["text/html"]
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert "Dear <script>x</script>," in parts(message)["text/plain"]


async def test_smtp_down_registration_succeeds_and_mail_goes_out_later(api, settings, clock, engine, make_event, smtp_server):
    event = await make_event()
    response = await api.post(f"/api/events/{event['slug']}/registrations", json={"name": "A", "email": "a@x.nl"})
    assert response.status_code == 201
    down = f"smtp://127.0.0.1:{free_port()}"
    sender = deliverer(settings, clock, engine, down, timeout=2)
    assert await sender.deliver_due() == 0
    row = await OutboxMessage.select().first()
    assert row["status"] == "queued" and row["attempts"] == 1 and "connection" in row["last_error"]
    assert row["next_attempt_at"] == NOW + timedelta(seconds=60)
    assert await sender.deliver_due() == 0 and (await OutboxMessage.select().first())["attempts"] == 1  # backoff
    clock.advance(seconds=61)
    assert await sender.deliver_due() == 0
    assert (await OutboxMessage.select().first())["next_attempt_at"] == clock.now() + timedelta(seconds=120)
    clock.advance(seconds=121)
    assert await deliverer(settings, clock, engine, smtp_server.url).deliver_due() == 1  # SMTP is back
    assert (await OutboxMessage.select().first())["status"] == "sent"
    assert [str(m["To"]) for m in smtp_server.messages] == ["a@x.nl"]


async def test_attempts_are_bounded_and_organiser_sees_failures(organiser_client, settings, clock, engine, site, make_event):
    event = await make_event()
    await service.register(event["slug"], Applicant("A", "a@x.nl"), NOW, site)
    sender = deliverer(settings, clock, engine, f"smtp://127.0.0.1:{free_port()}", max_attempts=3, timeout=2)
    for _ in range(5):
        await sender.deliver_due()
        clock.advance(hours=1)
    row = await OutboxMessage.select().first()
    assert row["status"] == "failed" and row["attempts"] == 3
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/mail")
    assert page.status_code == 200 and "a@x.nl" in page.text
    panel_page = await organiser_client.get(f"/organiser/events/{event['slug']}/registrations")
    assert panel_page.status_code == 200
    from tests.conftest import post_form

    retried = await post_form(organiser_client, f"/organiser/events/{event['slug']}/mail/retry", {})
    assert retried.status_code == 303
    assert (await OutboxMessage.select().first())["status"] == "queued"


async def test_failed_mail_page_is_for_the_events_organiser_only(client, app, make_event, other_organiser):
    from tests.conftest import http_client, login

    event = await make_event()
    anonymous = await client.get(f"/organiser/events/{event['slug']}/mail")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    async with http_client(app) as other:
        await login(other, other_organiser.email)
        assert (await other.get(f"/organiser/events/{event['slug']}/mail")).status_code == 404


async def test_two_deliverers_never_send_one_message_twice(settings, clock, engine, site, make_event, smtp_server):
    event = await make_event()
    for i in range(60):
        await service.register(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW, site)
    first = deliverer(settings, clock, engine, smtp_server.url, batch_size=7)
    second = deliverer(settings, clock, engine, smtp_server.url, batch_size=7)

    async def drain(d):
        total = 0
        while (n := await d.deliver_due()) > 0:
            total += n
        return total

    sent = await asyncio.gather(drain(first), drain(second))
    assert sum(sent) == 60
    recipients = [str(m["To"]) for m in smtp_server.messages]
    assert len(recipients) == 60 and len(set(recipients)) == 60


async def test_two_worker_processes_never_send_one_message_twice(settings, clock, engine, site, make_event, smtp_server):
    event = await make_event()
    for i in range(80):
        await service.register(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW, site)
    env = {**settings_env(settings), "EVENTS_SMTP_URL": smtp_server.url}
    command = [sys.executable, "-m", "events.cli", "worker", "--once"]
    workers = [
        await asyncio.create_subprocess_exec(*command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), timeout=60)
    assert all(w.returncode == 0 for w in workers), outputs
    recipients = [str(m["To"]) for m in smtp_server.messages]
    assert len(recipients) == 80 and len(set(recipients)) == 80


async def test_the_worker_process_runs_the_jobs_the_domains_register(settings, clock, engine, site, make_event, smtp_server):
    """`events worker` builds the app's wiring, so it runs what `events serve` runs: registration's reminders and
    its renderer of the desk's unrendered mails."""
    from datetime import UTC, datetime

    soon = datetime.now(UTC) + timedelta(hours=3)  # the worker process runs on the wall clock
    event = await make_event(starts_at=soon, ends_at=soon + timedelta(hours=2))
    batch = [(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW) for i in range(service.RENDER_INLINE_MAX + 1)]
    await service.register_batch(batch, site)
    assert await OutboxMessage.count().where(OutboxMessage.render_context.is_not_null()) == len(batch)
    env = {**settings_env(settings), "EVENTS_SMTP_URL": smtp_server.url}
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "events.cli", "worker", "--once"], env=env, capture_output=True,
        text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"sent {2 * len(batch)} messages" in result.stdout
    subjects = sorted(str(m["Subject"]).strip() for m in smtp_server.to("p0@x.nl"))
    assert subjects == [f"Herinnering: {event['title']} begint binnenkort", f"Uw aanmelding voor {event['title']} is bevestigd"]
    assert await OutboxMessage.count().where(OutboxMessage.status != "sent") == 0


async def test_expired_lease_is_claimed_again(settings, clock, engine, site, make_event, smtp_server):
    event = await make_event()
    await service.register(event["slug"], Applicant("A", "a@x.nl"), NOW, site)
    crashed = deliverer(settings, clock, engine, smtp_server.url)
    assert len(await crashed.claim()) == 1  # claimed, then the process "dies" before sending
    assert await deliverer(settings, clock, engine, smtp_server.url).deliver_due() == 0
    clock.advance(minutes=6)
    assert await deliverer(settings, clock, engine, smtp_server.url).deliver_due() == 1


async def test_without_smtp_messages_become_eml_files(settings, clock, engine, site, make_event):
    event = await make_event()
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    assert await deliverer(settings, clock, engine, None).deliver_due() == 1
    (path,) = settings.mail_dir.glob("*.eml")
    assert path.name.endswith("-confirmed.eml")
    assert b"anna@x.nl" in path.read_bytes()


async def test_a_batch_mail_rendered_later_tells_what_it_was_written_for(settings, clock, engine, site, make_event, smtp_server):
    """The desk's big batches write their mails unrendered; one rendered after its registration changed still tells
    what it was written for: a waiting-list mail carries neither the join URL nor an invitation, also when the
    person was promoted before delivery (the promotion mail tells the rest)."""
    from events.programme.tables import Event

    event = await make_event(capacity=1, title="Congres")
    batch = [(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW) for i in range(service.RENDER_INLINE_MAX + 1)]
    results = await service.register_batch(batch, site)
    assert [r.status for r in results] == ["confirmed"] + ["waitlisted"] * service.RENDER_INLINE_MAX
    await Event.update({Event.capacity: None}).where(Event.id == event["id"])
    assert len(await service.promote_from_waitlist(event["id"], NOW, site)) == service.RENDER_INLINE_MAX
    assert await deliverer(settings, clock, engine, smtp_server.url).deliver_due() == 1 + 2 * service.RENDER_INLINE_MAX
    waiting = [m for m in smtp_server.messages if "wachtlijst" in str(m["Subject"])]
    promoted = [m for m in smtp_server.messages if "vrijgekomen" in str(m["Subject"])]
    assert len(waiting) == len(promoted) == service.RENDER_INLINE_MAX
    for message in waiting:
        assert "secret-room-42" not in message.as_string() and "/j/" not in message.as_string()
        assert "text/calendar" not in [p.get_content_type() for p in message.walk()]
    for message in promoted:
        assert f"{site.base_url}/j/" in parts(message)["text/plain"]  # the personal join link
        assert [p.get_param("method") for p in message.walk() if p.get_content_type() == "text/calendar"][0] == "REQUEST"


def test_calendar_hook_builds_mixed_with_alternative_and_attachment():
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    mime = build_mime(
        {"to_address": "a@x.nl", "subject": "S", "text_body": "tekst", "html_body": "<p>html</p>", "language": "nl",
         "calendar_method": "REQUEST", "calendar_ics": ics},
        "Evenementen <noreply@events.local>", NOW,
    )
    assert mime.get_content_type() == "multipart/mixed"
    alternative, attachment = mime.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    types = [p.get_content_type() for p in alternative.get_payload()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST" and calendar_part.get_content_charset().lower() == "utf-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == ics.encode()
    plain = build_mime({"to_address": "a@x.nl", "subject": "S", "text_body": "t", "html_body": "<p>h</p>"}, "x@y.nl", NOW)
    assert plain.get_content_type() == "multipart/alternative"


def test_messages_reuse_the_headers_they_share_and_read_as_with_the_standard_policy():
    """Parsed headers are remembered (most are the same in every message); what a reader sees does not change."""
    import email
    from email import policy

    message = {"to_address": "a@x.nl", "subject": "Aanmelding: Weerbare organisatie – 12 maart", "text_body": "tekst é",
               "html_body": "<p>html</p>", "language": "nl", "calendar_method": "REQUEST",
               "calendar_ics": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"}
    first, second = (build_mime(message, "Evenementen <noreply@events.local>", NOW) for _ in range(2))
    assert first["From"] is second["From"]
    assert first.get_payload()[1]["Content-Disposition"] is second.get_payload()[1]["Content-Disposition"]
    read = email.message_from_bytes(bytes(first), policy=policy.default)
    assert read["Subject"] == message["subject"] and read["From"].addresses[0].display_name == "Evenementen"
    standard = email.message_from_bytes(bytes(first), policy=policy.compat32)
    assert [part.get_content_type() for part in read.walk()] == [part.get_content_type() for part in standard.walk()]
    assert read.get_body(("plain",)).get_content() == "tekst é\n"


async def test_programme_changes_reach_registrants_with_invitations(app, settings, clock, engine, site, make_event, smtp_server):
    """The programme's update/cancel call our listener inside their transaction: event changed (REQUEST) and
    event cancelled (CANCEL) mails, with the calendar domain's invitation when it exists."""
    import importlib.util

    from events.programme import service as programme
    assert app  # building the app subscribes registration's listeners to the programme

    event = await make_event(capacity=5)
    await service.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW, site)
    data = {key: event[key] for key in programme.EDITABLE_EVENT_FIELDS if key in event}
    data["venue"] = "Stadhuis Utrecht"
    data["starts_at"] = data["starts_at"].isoformat()
    data["ends_at"] = data["ends_at"].isoformat()
    changed = await programme.update_event(event, data, NOW)
    assert "venue" in changed
    await programme.change_status(await programme.event_by_id(event["id"]), "cancel", NOW)
    await deliverer(settings, clock, engine, smtp_server.url).deliver_due()
    by_subject = {str(m["Subject"]).strip(): m for m in smtp_server.messages}
    changed_mail = by_subject[f"Gewijzigd: {event['title']}"]
    cancelled_mail = by_subject[f"Geannuleerd: {event['title']}"]
    if importlib.util.find_spec("events.ical.invitations") is not None:
        assert changed_mail.get_content_type() == "multipart/mixed"
        calendar_parts = [p for p in changed_mail.walk() if p.get_content_type() == "text/calendar"]
        assert calendar_parts and calendar_parts[0].get_param("method") == "REQUEST"
        assert any(p.get_filename() == "invite.ics" for p in changed_mail.walk())
        cancel_parts = [p for p in cancelled_mail.walk() if p.get_content_type() == "text/calendar"]
        assert cancel_parts[0].get_param("method") == "CANCEL"
        assert b"METHOD:CANCEL" in cancel_parts[0].get_payload(decode=True)


async def test_batch_mails_are_written_with_the_registration_and_rendered_on_delivery(settings, clock, engine, site, make_event, smtp_server):
    event = await make_event(title="Congres")
    batch = [(event["slug"], Applicant(f"P{i}", f"p{i}@x.nl"), NOW) for i in range(service.RENDER_INLINE_MAX)]
    await service.register_batch([(event["slug"], Applicant("Anna", "anna@x.nl"), NOW), *batch], site)
    outcome = await Registration.select().where(Registration.email_normalised == "anna@x.nl").first()
    row = await OutboxMessage.select().where(OutboxMessage.registration_id == outcome["id"]).first()
    assert row["status"] == "queued" and row["kind"] == "confirmed" and row["render_context"]
    assert await deliverer(settings, clock, engine, smtp_server.url).deliver_due() == 5
    row = await OutboxMessage.select().where(OutboxMessage.id == row["id"]).first()
    assert row["render_context"] is None and row["subject"] == "Uw aanmelding voor Congres is bevestigd"
    assert "Beste Anna," in row["text_body"]
    # a registration erased before delivery sends nothing
    more = [(event["slug"], Applicant(f"Q{i}", f"q{i}@x.nl"), NOW) for i in range(service.RENDER_INLINE_MAX + 1)]
    results = await service.register_batch(more, site)
    await Registration.delete().where(Registration.id == results[0].id)
    assert await deliverer(settings, clock, engine, smtp_server.url).deliver_due() == service.RENDER_INLINE_MAX
    assert len(smtp_server.messages) == 5 + service.RENDER_INLINE_MAX
    # a single registration renders at once (ordinary traffic)
    single = await service.register(event["slug"], Applicant("Single", "single@x.nl"), NOW, site)
    row = await OutboxMessage.select().where(OutboxMessage.registration_id == single.id).first()
    assert row["render_context"] is None and "Beste Single," in row["text_body"]


async def _queue_three_with_a_poisoned_middle(now) -> list[int]:
    from events.mail import service as mail

    messages = [
        mail.new_message(to_address=address, subject="Bericht", text_body="Hallo", kind="test", language="nl", now=now)
        for address in ("een@example.org", "twee@example.org\r\nBcc: buit@example.org", "drie@example.org")
    ]
    await mail.queue_messages(messages)
    return [row["id"] for row in await OutboxMessage.select(OutboxMessage.id).order_by(OutboxMessage.id)]


async def test_a_poisoned_message_fails_alone_while_the_rest_is_delivered(settings, clock, engine, smtp_server, caplog):
    ids = await _queue_three_with_a_poisoned_middle(clock.now())
    sender = deliverer(settings, clock, engine, smtp_server.url)
    with caplog.at_level("WARNING", logger="events.mail"):
        assert await sender.deliver_due() == 2
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["drie@example.org", "een@example.org"]
    rows = {row["id"]: row for row in await OutboxMessage.select()}
    poisoned = rows[ids[1]]
    assert poisoned["status"] == "queued" and poisoned["attempts"] == 1 and poisoned["last_error"]
    assert poisoned["next_attempt_at"] > clock.now() and poisoned["lease_until"] is None  # retried with backoff
    assert [rows[ids[0]]["status"], rows[ids[2]]["status"]] == ["sent", "sent"]
    assert f"mail {ids[1]}" in caplog.text and "twee@example.org" not in caplog.text  # the id, not the address
    assert await sender.deliver_due() == 0  # not re-claimed before its next attempt


async def test_a_poisoned_message_fails_alone_when_writing_eml_files(settings, clock, engine):
    ids = await _queue_three_with_a_poisoned_middle(clock.now())
    assert await deliverer(settings, clock, engine).deliver_due() == 2
    assert len(list(settings.mail_dir.glob("*.eml"))) == 2
    assert (await OutboxMessage.select().where(OutboxMessage.id == ids[1]).first())["status"] == "queued"
