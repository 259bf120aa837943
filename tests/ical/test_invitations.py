"""Invitations and the personal feed: the manage page's invite.ics, the personal webcal feed, and the real mails
(REQUEST on confirmation/promotion/change, CANCEL on cancellation) received through an SMTP server."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from events.app import create_app
from events.mail.jobs import worker_jobs
from events.mail.tables import OutboxMessage
from events.mail.worker import deliverer_for
from events.programme.tables import Event
from events.registration import calendar as ical
from events.registration import service as registration
from events.registration.service import Applicant, ManageLinks
from events.registration.tables import Registration
from tests.conftest import NOW, post_form
from tests.ical.checks import JOIN_URL, check_calendar, make_event, only_event, utc


@pytest.fixture
def site(settings) -> ManageLinks:
    return ManageLinks.from_settings(settings)


async def join_link_of(site, registration_id) -> str:
    """The personal join link (`/j/{token}`) that stands for the join URL in a participant's calendar."""
    row = await Registration.select().where(Registration.id == registration_id).first()
    return f"{site.base_url}/j/{site.join_token(row)}"


async def sign_up(event, email, site, name="Piet de Vries"):
    return await registration.register(event["slug"], Applicant(name=name, email=email, organisation="Gemeente Utrecht"), NOW, site)


async def test_manage_page_invite_is_a_request_with_organizer_attendee_and_join_url(client, organiser, site):
    event = await make_event(organiser, format="online", venue="")
    outcome = await sign_up(event, "piet@gemeente.nl", site)
    response = await client.get(f"/registrations/{outcome.token}/invite.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["cache-control"]
    calendar, _ = check_calendar(response.content, "REQUEST")
    vevent = only_event(calendar)
    assert str(vevent["UID"]) == f"event-{event['id']}@testserver.local"
    assert str(vevent["ORGANIZER"]) == "mailto:events@gemeente.nl"
    assert str(vevent["ATTENDEE"]) == "mailto:piet@gemeente.nl"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    link = await join_link_of(site, outcome.id)
    assert str(vevent["LOCATION"]) == link and str(vevent["CONFERENCE"]) == link and JOIN_URL not in response.text
    assert f"http://testserver.local/registrations/{outcome.token}" in str(vevent["DESCRIPTION"])


async def test_invite_of_a_cancelled_registration_or_event_is_a_cancel(client, organiser, site):
    event = await make_event(organiser)
    outcome = await sign_up(event, "piet@gemeente.nl", site)
    await registration.cancel_by_token(outcome.token, NOW, site)
    response = await client.get(f"/registrations/{outcome.token}/invite.ics")
    calendar, _ = check_calendar(response.content, "CANCEL")
    assert b"meet.example.org" not in response.content

    other = await sign_up(event, "anna@gemeente.nl", site)
    await Event.update({Event.status: "cancelled", Event.sequence: 1}).where(Event.id == event["id"])
    response = await client.get(f"/registrations/{other.token}/invite.ics")
    vevent = only_event(check_calendar(response.content, "CANCEL")[0])
    assert int(vevent["SEQUENCE"]) == 1


async def test_invite_needs_a_valid_token_and_a_confirmed_place(client, organiser, site):
    event = await make_event(organiser, capacity=1)
    await sign_up(event, "eerste@gemeente.nl", site)
    waiting = await sign_up(event, "tweede@gemeente.nl", site)
    assert waiting.status == "waitlisted"
    assert (await client.get(f"/registrations/{waiting.token}/invite.ics")).status_code == 404
    for token in ("not-a-token", "x" * 300, waiting.token[:-2] + "aa"):
        assert (await client.get(f"/registrations/{token}/invite.ics")).status_code == 404


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


async def open_mail_link(client, site, outcome, **headers):
    """What the participant does with the manage link in their mail (it carries the mail's proof), in a browser."""
    row = await Registration.select().where(Registration.id == outcome.id).first()
    headers = {"user-agent": BROWSER, **headers}
    return await client.get(site.mail_manage_url(outcome.token, row["token_nonce"]), headers=headers)


async def feed_key_of(outcome, settings) -> str:
    row = await Registration.select().where(Registration.id == outcome.id).first()
    return ical.feed_key(row["id"], row["token_hash"], settings.secret_key)


async def test_manage_page_offers_the_invite_and_mails_the_personal_feed(client, organiser, site, settings):
    event = await make_event(organiser)
    outcome = await sign_up(event, "piet@gemeente.nl", site)
    response = await client.get(f"/registrations/{outcome.token}")
    assert response.status_code == 200
    assert f'href="/registrations/{outcome.token}/invite.ics"' in response.text
    key = await feed_key_of(outcome, settings)
    assert key not in response.text and "/calendar/personal/" not in response.text  # whoever registered sees this page
    assert outcome.token not in key
    # the confirmation mail carries it: only the address's owner gets it
    (confirmation,) = await OutboxMessage.select().where(OutboxMessage.registration_id == outcome.id)
    assert f"webcal://testserver.local/calendar/personal/{key}/feed.ics" in confirmation["text_body"]
    assert f"/calendar/personal/{key}/feed.ics" in confirmation["html_body"]

    sent = await post_form(client, f"/registrations/{outcome.token}/calendar-link", {})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?feed=sent")
    again = await post_form(client, f"/registrations/{outcome.token}/calendar-link", {})
    assert again.status_code == 303
    mails = await OutboxMessage.select().where(
        (OutboxMessage.registration_id == outcome.id) & (OutboxMessage.kind == "calendar_feed"))
    assert len(mails) == 1  # a second press within ten minutes sends nothing more
    assert mails[0]["to_address"] == "piet@gemeente.nl" and key in mails[0]["text_body"]
    assert mails[0]["subject"] == "Uw persoonlijke agenda-link"
    page = await client.get(sent.headers["location"])
    assert "We hebben de link naar uw e-mailadres gestuurd." in page.text and key not in page.text
    forged = await post_form(client, "/registrations/not-a-real-token-at-all-0000000000000/calendar-link", {})
    assert forged.status_code == 404


async def test_a_registration_made_with_someone_elses_address_stays_out_of_their_feed(client, organiser, site, settings):
    """The personal feed leak: registering an open event with the victim's address showed the registrant the feed
    key, and the feed listed the victim's other registrations with their join URLs."""
    webinar = await make_event(organiser, slug="webinar", title="Geheim webinar", format="online", venue="",
                               join_url="https://meet.example.org/j/victims-room")
    open_event = await make_event(organiser, slug="open", title="Open dag")
    victims = await sign_up(webinar, "slachtoffer@gemeente.nl", site)
    await open_mail_link(client, site, victims)  # the victim opened their confirmation mail
    planted = await sign_up(open_event, "Slachtoffer@Gemeente.nl", site, name="Aanvaller")

    page = await client.get(f"/registrations/{planted.token}")  # what the attacker sees
    assert "/calendar/personal/" not in page.text and "victims-room" not in page.text

    # the victim's own feed does not list what the attacker made until the victim opens its mail
    victims_feed = await client.get(f"/calendar/personal/{await feed_key_of(victims, settings)}/feed.ics")
    titles = {str(e["SUMMARY"]) for e in check_calendar(victims_feed.content, "PUBLISH")[0].walk("VEVENT")}
    assert titles == {"Geheim webinar"}
    # a link previewer or a HEAD request does not confirm it
    preview = await open_mail_link(client, site, planted, **{"user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"})
    assert preview.status_code == 303
    row = await Registration.select(Registration.address_confirmed_at).where(Registration.id == planted.id).first()
    assert row["address_confirmed_at"] is None
    # once the owner opens the mail, it is theirs
    opened = await open_mail_link(client, site, planted)
    assert opened.status_code == 303 and opened.headers["location"] == f"/registrations/{planted.token}"
    assert opened.headers["cache-control"] == "no-store"
    victims_feed = await client.get(f"/calendar/personal/{await feed_key_of(victims, settings)}/feed.ics")
    titles = {str(e["SUMMARY"]) for e in check_calendar(victims_feed.content, "PUBLISH")[0].walk("VEVENT")}
    assert titles == {"Geheim webinar", "Open dag"}


async def test_the_mail_link_needs_its_own_proof(client, organiser, site):
    event = await make_event(organiser)
    one = await sign_up(event, "piet@gemeente.nl", site)
    other = await sign_up(event, "anna@gemeente.nl", site)
    other_row = await Registration.select().where(Registration.id == other.id).first()
    for proof in (site.mail_proof(other_row["token_nonce"]), "x", "a" * 200):
        response = await client.get(f"/registrations/{one.token}/mail/{proof}")
        assert response.status_code == 404
    row = await Registration.select(Registration.address_confirmed_at).where(Registration.id == one.id).first()
    assert row["address_confirmed_at"] is None


async def test_personal_feed_lists_current_registrations_of_the_address_join_url_only_when_confirmed(client, organiser, site, settings):
    first = await make_event(organiser, format="online", venue="")
    full = await make_event(organiser, slug="vol", title="Vol webinar", format="online", venue="", capacity=1,
                            join_url="https://meet.example.org/j/waiting-room")
    left = await make_event(organiser, slug="afgemeld", title="Afgemeld")
    other_person = await make_event(organiser, slug="ander", title="Van een ander")
    mine = await sign_up(first, "Piet@Gemeente.nl", site)
    await sign_up(full, "someone@else.nl", site)
    waiting = await sign_up(full, "piet@gemeente.nl", site)
    assert waiting.status == "waitlisted"
    gone = await sign_up(left, "piet@gemeente.nl", site)
    await registration.cancel_by_token(gone.token, NOW, site)
    await sign_up(other_person, "anna@gemeente.nl", site)
    for confirmed in (waiting, gone):  # Piet opened the mails of his registrations
        await open_mail_link(client, site, confirmed)

    row = await Registration.select().where(Registration.id == mine.id).first()
    key = ical.feed_key(row["id"], row["token_hash"], settings.secret_key)
    response = await client.get(f"/calendar/personal/{key}/feed.ics")
    assert response.status_code == 200
    assert response.headers["x-robots-tag"] == "noindex"
    calendar, _ = check_calendar(response.content, "PUBLISH")
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {first["title"], "Vol webinar"}
    assert await join_link_of(site, mine.id) in str(events[first["title"]]["DESCRIPTION"])
    assert str(events["Vol webinar"]["STATUS"]) == "TENTATIVE"
    assert b"waiting-room" not in response.content
    assert mine.token.encode() not in response.content  # the feed cannot be used to cancel
    assert str(calendar["X-WR-CALNAME"]) == "Mijn evenementen"

    # conditional GET works on the personal feed too
    again = await client.get(f"/calendar/personal/{key}/feed.ics", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_personal_feed_refuses_forged_keys(client, organiser, site, settings):
    event = await make_event(organiser)
    outcome = await sign_up(event, "piet@gemeente.nl", site)
    row = await Registration.select().where(Registration.id == outcome.id).first()
    key = ical.feed_key(row["id"], row["token_hash"], settings.secret_key)
    forged = ical.feed_key(row["id"], row["token_hash"], "another-secret-key-that-is-long-enough-000000")
    for bad in (forged, f"{outcome.id}-", key[:-1] + ("0" if key[-1] != "0" else "1"), "abc", f"{outcome.id + 1}-{key.split('-')[1]}"):
        assert (await client.get(f"/calendar/personal/{bad}/feed.ics")).status_code == 404, bad


# -- mails through a real SMTP server --------------------------------------------------------------------------


def calendar_parts(message):
    """(the text/calendar alternative, the invite.ics attachment) of a received mail, checking the MIME tree."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in alternative.get_payload()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    inline = alternative.get_payload()[2]
    assert inline.get_content_charset().lower() == "utf-8"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    return inline, attachment


def ics_of(part) -> bytes:
    return part.get_payload(decode=True)


async def deliver(settings, smtp_server, clock, engine) -> None:
    """What `events worker` does: the production deliverer (with the mail renderers the app's wiring registers)
    against the SMTP server."""
    settings = replace(settings, smtp_url=smtp_server.url)
    jobs = worker_jobs(create_app(settings, clock=clock, engine=engine).state)
    deliverer = deliverer_for(settings, clock, engine, jobs)
    while await deliverer.deliver_due():
        pass


async def test_mails_carry_request_update_and_cancel_invitations(organiser, settings, smtp_server, clock, engine):
    settings = replace(settings, smtp_url=smtp_server.url)
    site = ManageLinks.from_settings(settings)
    event = await make_event(organiser, format="hybrid", capacity=1)
    first = await sign_up(event, "piet@gemeente.nl", site)
    waiting = await sign_up(event, "anna@gemeente.nl", site, name="Anna")
    assert waiting.status == "waitlisted"
    await deliver(settings, smtp_server, clock, engine)

    (confirmation,) = smtp_server.to("piet@gemeente.nl")
    inline, attachment = calendar_parts(confirmation)
    assert inline.get_param("method") == "REQUEST"
    request = ics_of(inline)
    assert ics_of(attachment) == request
    vevent = only_event(check_calendar(request, "REQUEST")[0])
    assert str(vevent["ATTENDEE"]) == "mailto:piet@gemeente.nl" and vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(vevent["CONFERENCE"]) == await join_link_of(site, first.id)
    assert f"/registrations/{first.token}" in str(vevent["DESCRIPTION"])
    uid, sequence = str(vevent["UID"]), int(vevent["SEQUENCE"])
    # the waiting list mail has no invitation: there is no place (yet)
    (waitlisted,) = smtp_server.to("anna@gemeente.nl")
    assert "text/calendar" not in [p.get_content_type() for p in waitlisted.walk()]

    # the organiser moves the event: an update with the same UID and a higher SEQUENCE
    moved = event["starts_at"] + timedelta(hours=1)
    await Event.update({Event.starts_at: moved, Event.ends_at: event["ends_at"] + timedelta(hours=1), Event.sequence: sequence + 1}).where(Event.id == event["id"])
    changed = await Event.select().where(Event.id == event["id"]).first()
    await registration.on_event_change(changed, frozenset({"starts_at", "ends_at"}), NOW, site)
    await deliver(settings, smtp_server, clock, engine)
    update_mail = smtp_server.to("piet@gemeente.nl")[-1]
    inline, attachment = calendar_parts(update_mail)
    update = only_event(check_calendar(ics_of(inline), "REQUEST")[0])
    assert str(update["UID"]) == uid and int(update["SEQUENCE"]) > sequence
    assert utc(update["DTSTART"].dt) == moved
    assert all("text/calendar" not in [p.get_content_type() for p in m.walk()] for m in smtp_server.to("anna@gemeente.nl"))

    # Piet cancels: a CANCEL for him; Anna is promoted: a REQUEST for her
    await registration.cancel_by_token(first.token, NOW, site)
    await deliver(settings, smtp_server, clock, engine)
    inline, attachment = calendar_parts(smtp_server.to("piet@gemeente.nl")[-1])
    assert inline.get_param("method") == "CANCEL" and attachment.get_param("method") == "CANCEL"
    cancel = only_event(check_calendar(ics_of(inline), "CANCEL")[0])
    assert str(cancel["UID"]) == uid and str(cancel["STATUS"]) == "CANCELLED"
    assert b"BEGIN:VALARM" not in ics_of(inline)
    inline, _ = calendar_parts(smtp_server.to("anna@gemeente.nl")[-1])
    promoted = only_event(check_calendar(ics_of(inline), "REQUEST")[0])
    assert str(promoted["ATTENDEE"]) == "mailto:anna@gemeente.nl" and str(promoted["UID"]) == uid

    # the event is cancelled: Anna gets a CANCEL with the event's raised sequence
    await Event.update({Event.status: "cancelled", Event.sequence: sequence + 2}).where(Event.id == event["id"])
    cancelled = await Event.select().where(Event.id == event["id"]).first()
    await registration.on_event_change(cancelled, frozenset({"status"}), NOW, site)
    await deliver(settings, smtp_server, clock, engine)
    inline, _ = calendar_parts(smtp_server.to("anna@gemeente.nl")[-1])
    gone = only_event(check_calendar(ics_of(inline), "CANCEL")[0])
    assert str(gone["UID"]) == uid and int(gone["SEQUENCE"]) == sequence + 2


async def test_personal_feed_keeps_a_cancelled_event_without_its_join_url(client, organiser, site, settings):
    """The join URL goes to confirmed registrants of a published event only, in the feed as on the page (before the
    rule had one copy, the feed still carried the meeting link of a cancelled event)."""
    event = await make_event(organiser, format="online", venue="")
    mine = await sign_up(event, "piet@gemeente.nl", site)
    await Event.update({Event.status: "cancelled", Event.sequence: 1}).where(Event.id == event["id"])
    row = await Registration.select().where(Registration.id == mine.id).first()
    key = ical.feed_key(row["id"], row["token_hash"], settings.secret_key)
    response = await client.get(f"/calendar/personal/{key}/feed.ics")
    vevent = only_event(check_calendar(response.content, "PUBLISH")[0])
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert JOIN_URL.encode() not in response.content
    page = await client.get(f"/registrations/{mine.token}")
    assert JOIN_URL not in page.text


async def test_an_invitation_without_event_contact_names_the_organisation_then_the_sender(client, organiser, site, settings):
    from email.utils import parseaddr  # noqa: PLC0415 - only this test reads the sender address

    from events.organisations.tables import Organisation  # noqa: PLC0415 - only this test changes an organisation

    event = await make_event(organiser, format="online", venue="", contact_email="", contact_name="")
    outcome = await sign_up(event, "piet@gemeente.nl", site)
    invite = await client.get(f"/registrations/{outcome.token}/invite.ics")
    assert str(only_event(check_calendar(invite.content, "REQUEST")[0])["ORGANIZER"]) == (
        f"mailto:{parseaddr(settings.mail_from)[1]}")
    await Organisation.update({Organisation.contact_email: "team@gemeente.nl"}).where(Organisation.id == event["organisation"])
    invite = await client.get(f"/registrations/{outcome.token}/invite.ics")
    assert str(only_event(check_calendar(invite.content, "REQUEST")[0])["ORGANIZER"]) == "mailto:team@gemeente.nl"
