"""The registration desk: who queued up while a batch committed registers together, and in a rush the mails are
left for the deliverer to render, so templates and invitations do not hold the event's write lock."""

from __future__ import annotations

import asyncio

from events.mail.tables import OutboxMessage
from events.registration import service
from events.registration.desk import RegistrationDesk
from events.registration.service import Applicant
from events.registration.tables import Registration
from tests.conftest import NOW
from tests.mail.test_outbox import deliverer


async def _unrendered(emails: list[str]) -> list[bool]:
    """Per address: is its confirmation mail still waiting for the deliverer's renderer?"""
    answers = []
    for email in emails:
        registration = await Registration.select(Registration.id).where(Registration.email == email).first()
        message = await OutboxMessage.select(OutboxMessage.render_context).where(
            OutboxMessage.registration_id == registration["id"]
        ).first()
        answers.append(message["render_context"] is not None)
    return answers


async def test_a_rush_leaves_its_mails_unrendered_and_quiet_traffic_renders_at_once(engine, site, make_event):
    event = await make_event(capacity=100)
    desk = RegistrationDesk(site)
    await desk.open()
    try:
        rush = [f"rush{i}@x.nl" for i in range(service.RENDER_INLINE_MAX + 6)]
        outcomes = await asyncio.gather(*(desk.register(event["slug"], Applicant("P", e), NOW) for e in rush))
        assert {o.status for o in outcomes} == {"confirmed"} and len({o.token for o in outcomes}) == len(rush)
        # one batch took the whole queue, and it was larger than what is rendered inline
        assert await _unrendered(rush) == [True] * len(rush)

        await desk.register(event["slug"], Applicant("Na de drukte", "after@x.nl"), NOW)
        assert await _unrendered(["after@x.nl"]) == [True]  # a small batch right after a large one: still a rush

        await desk.register(event["slug"], Applicant("Rustig", "quiet@x.nl"), NOW)
        assert await _unrendered(["quiet@x.nl"]) == [False]  # quiet traffic: the mail is ready when it is written
        rendered = await OutboxMessage.select().where(OutboxMessage.to_address == "quiet@x.nl").first()
        assert event["title"] in rendered["subject"] and rendered["text_body"]
    finally:
        await desk.close()
    assert await Registration.count().where(Registration.event == event["id"]) == len(rush) + 2
    assert await OutboxMessage.count().where(OutboxMessage.kind == "confirmed") == len(rush) + 2


async def test_a_closed_desk_registers_at_once(engine, site, make_event):
    event = await make_event()
    desk = RegistrationDesk(site)  # never opened (the CLI, a test): each registration is its own batch
    outcome = await desk.register(event["slug"], Applicant("Anna", "anna@x.nl"), NOW)
    assert outcome.status == "confirmed"
    assert await _unrendered(["anna@x.nl"]) == [False]


async def test_a_flood_of_repeats_leaves_the_link_mails_for_the_deliverer(settings, clock, engine, site, make_event):
    """Registering again with a known address mails the manage link (at most hourly): in a rush that mail is
    written unrendered too, so a flood of repeats does not render mails while it holds the event's lock; the
    deliverer renders each one as the link mail of that registration."""
    event = await make_event(capacity=100)
    emails = [f"again{i}@x.nl" for i in range(service.RENDER_INLINE_MAX + 3)]
    for email in emails:
        await service.register(event["slug"], Applicant("P", email), NOW, site)
    desk = RegistrationDesk(site)
    await desk.open()
    try:
        repeats = await asyncio.gather(*(desk.register(event["slug"], Applicant("P", e), NOW) for e in emails))
    finally:
        await desk.close()
    assert {(o.created, o.token) for o in repeats} == {(False, None)}  # the link goes by mail, never in the answer
    links = await OutboxMessage.select().where(OutboxMessage.kind == "link")
    assert len(links) == len(emails) and all(m["render_context"] is not None and not m["subject"] for m in links)

    assert await deliverer(settings, clock, engine).deliver_due() == 2 * len(emails)
    rendered = await OutboxMessage.select().where(OutboxMessage.kind == "link")
    assert all(m["render_context"] is None and m["status"] == "sent" for m in rendered)
    first = next(m for m in rendered if m["to_address"] == emails[0])
    assert event["title"] in first["subject"] and f"{site.base_url}/registrations/" in first["text_body"]
