"""The join URL follows one rule on every surface a participant sees — the manage page, the API, the mails, the
invitation and the personal feed: a confirmed registration of a published, not cancelled, online or hybrid event.
Each surface shows the meeting (its URL or the personal `/j/` link to it) exactly when the rule allows it."""

from __future__ import annotations

import pytest

from events.programme.tables import Event
from events.registration import calendar as ical
from events.registration import service as registration
from events.registration.service import Applicant, ManageLinks
from events.registration.tables import Registration
from tests.conftest import NOW
from tests.ical.checks import JOIN_URL, make_event

CASES = [
    # (event format, event status, registration status, whether the meeting may show)
    ("online", "published", "confirmed", True),
    ("hybrid", "published", "confirmed", True),
    ("onsite", "published", "confirmed", False),  # a leftover join URL of an event that became onsite
    ("online", "cancelled", "confirmed", False),
    ("online", "published", "waitlisted", False),
    ("online", "published", "pending", False),
    ("online", "published", "cancelled", False),
]


async def surfaces(client, settings, site: ManageLinks, event, outcome) -> dict[str, str]:
    """What the participant can read about this registration, per surface."""
    row = await Registration.select().where(Registration.id == outcome.id).first()
    key = ical.feed_key(row["id"], row["token_hash"], settings.secret_key)
    invite = await client.get(f"/registrations/{outcome.token}/invite.ics")
    mail = await registration.compose_registration_mail("reminder", event, row, site, NOW)
    return {
        "page": (await client.get(f"/registrations/{outcome.token}")).text,
        "api": (await client.get(f"/api/registrations/{outcome.token}")).text,
        "invite": invite.text if invite.status_code == 200 else "",
        "feed": (await client.get(f"/calendar/personal/{key}/feed.ics")).text,
        "mail": mail.text_body + mail.html_body + (mail.calendar_ics or ""),
    }


@pytest.mark.parametrize(("event_format", "event_status", "status", "shown"), CASES)
async def test_the_join_url_shows_on_every_surface_exactly_when_the_rule_allows(
    client, organiser, settings, event_format, event_status, status, shown
):
    site = ManageLinks.from_settings(settings)
    event = await make_event(organiser, format=event_format, venue="" if event_format == "online" else "Utrecht",
                             join_url=JOIN_URL, approval_required=status == "pending", capacity=None)
    outcome = await registration.register(event["slug"], Applicant(name="Piet", email="piet@gemeente.nl"), NOW, site)
    if status in ("waitlisted", "cancelled"):
        await Registration.update({Registration.status: status}).where(Registration.id == outcome.id)
    await Event.update({Event.status: event_status}).where(Event.id == event["id"])
    event = await Event.select().where(Event.id == event["id"]).first()
    row = await Registration.select().where(Registration.id == outcome.id).first()
    assert row["status"] == status
    personal = site.join_token(row)

    for surface, text in (await surfaces(client, settings, site, event, outcome)).items():
        meeting = JOIN_URL in text or f"/j/{personal}" in text
        assert meeting == shown, f"{surface}: the meeting {'missing' if shown else 'shown'} for {event_format}/{event_status}/{status}"
    assert registration.join_url_for(event, status) == (JOIN_URL if shown else None)
