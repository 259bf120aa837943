"""Rules of the waiting list, approval, moving, check-in, questions, export and retention (service + CLI)."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
from datetime import timedelta

import pytest

from events.audit.tables import AuditEntry
from events.kernel.clock import FrozenClock
from events.kernel.errors import Conflict, RuleViolation
from events.mail.tables import OutboxMessage
from events.programme.tables import Event
from events.registration import service
from events.registration.service import Applicant
from events.registration.tables import Registration
from tests.conftest import NOW, settings_env


async def reg(site, event, name, **kwargs):
    return await service.register(event["slug"], Applicant(name, f"{name.lower()}@x.nl", **kwargs), NOW, site)


async def statuses(event_id):
    rows = await Registration.select(Registration.name, Registration.status).where(Registration.event == event_id).order_by(Registration.id)
    return {r["name"]: r["status"] for r in rows}


async def test_promotion_follows_the_order_of_the_waiting_list(engine, site, make_event):
    event = await make_event(capacity=2)
    a, b, c, d, e = [await reg(site, event, n) for n in ("A", "B", "C", "D", "E")]
    assert [x.status for x in (a, b, c, d, e)] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [c.position, d.position, e.position] == [1, 2, 3]
    await service.cancel_registration(b.id, NOW, site)
    assert await statuses(event["id"]) == {"A": "confirmed", "B": "cancelled", "C": "confirmed", "D": "waitlisted", "E": "waitlisted"}
    row = await Registration.select().where(Registration.id == e.id).first()
    assert await service.waitlist_position(row) == 2
    # cancelling a waitlisted person promotes nobody
    await service.cancel_registration(d.id, NOW, site)
    assert (await statuses(event["id"]))["E"] == "waitlisted"
    promoted_mail = await OutboxMessage.select().where(OutboxMessage.kind == "promoted")
    assert [m["to_address"] for m in promoted_mail] == ["c@x.nl"]


async def test_raised_capacity_promotes_in_order(engine, site, make_event):
    event = await make_event(capacity=1)
    for name in ("A", "B", "C", "D"):
        await reg(site, event, name)
    await Event.update({Event.capacity: 3}).where(Event.id == event["id"])
    promoted = await service.promote_from_waitlist(event["id"], NOW, site)
    rows = {r["id"]: r["name"] for r in await Registration.select(Registration.id, Registration.name)}
    assert [rows[i] for i in promoted] == ["B", "C"]
    assert (await statuses(event["id"]))["D"] == "waitlisted"
    assert await service.promote_from_waitlist(event["id"], NOW, site) == []
    # the worker's sweep finds it too
    await Event.update({Event.capacity: None}).where(Event.id == event["id"])
    assert await service.promote_where_places_free(NOW, site) == 1


async def test_the_sweep_locks_only_events_with_a_free_place_and_people_waiting(engine, site, make_event, monkeypatch):
    """A full event with a waiting list costs the worker's sweep no write transaction (one read finds the events
    to fill); a raised capacity is still found, an unpublished event left alone."""
    from events.registration.service import waiting_list

    locked: list[int] = []
    promote = waiting_list.promote_from_waitlist

    async def recording(event_id, now, links):
        locked.append(event_id)
        return await promote(event_id, now, links)

    monkeypatch.setattr(waiting_list, "promote_from_waitlist", recording)
    full, other = await make_event(capacity=1), await make_event(capacity=1)
    for event in (full, other):
        for name in ("A", "B"):
            await reg(site, event, f"{name}{event['id']}")
    assert await service.promote_where_places_free(NOW, site) == 0
    assert locked == []
    await Event.update({Event.capacity: 2}).where(Event.id == full["id"])  # past the programme's listener
    await Event.update({Event.capacity: 2, Event.status: "cancelled"}).where(Event.id == other["id"])
    assert await service.promote_where_places_free(NOW, site) == 1
    assert locked == [full["id"]]
    assert (await statuses(full["id"]))[f"B{full['id']}"] == "confirmed"
    assert (await statuses(other["id"]))[f"B{other['id']}"] == "waitlisted"


async def test_concurrent_cancellations_never_overbook(engine, site, make_event):
    event = await make_event(capacity=5)
    people = [await reg(site, event, f"P{i}") for i in range(15)]
    await asyncio.gather(*(service.cancel_registration(p.id, NOW, site) for p in people[:5]))
    counts = (await service.status_counts([event["id"]]))[event["id"]]
    assert counts["confirmed"] == 5 and counts["waitlisted"] == 5 and counts["cancelled"] == 5
    assert (await statuses(event["id"]))["P5"] == "confirmed"


async def test_approval_mode(engine, site, make_event):
    event = await make_event(capacity=1, approval_required=True)
    a, b, c = [await reg(site, event, n) for n in ("A", "B", "C")]
    assert {a.status, b.status, c.status} == {"pending"}
    assert await service.decide(event, a.id, True, NOW, site) == "confirmed"
    assert await service.decide(event, b.id, True, NOW, site) == "waitlisted"  # approved, but the event is full
    assert await service.decide(event, c.id, False, NOW, site) == "rejected"
    with pytest.raises(Conflict):
        await service.decide(event, c.id, True, NOW, site)
    kinds = [m["kind"] for m in await OutboxMessage.select(OutboxMessage.kind).order_by(OutboxMessage.id)]
    assert kinds == ["pending", "pending", "pending", "confirmed", "waitlisted", "rejected"]


async def test_cancelled_person_may_register_again(engine, site, make_event):
    event = await make_event(capacity=1)
    a = await reg(site, event, "A")
    await service.cancel_registration(a.id, NOW, site)
    again = await reg(site, event, "A")
    assert again.id == a.id and again.status == "confirmed" and not again.created
    assert await Registration.count() == 1


async def test_move_to_another_event_of_the_same_organiser(engine, site, make_event, organiser, other_organiser):
    from events.accounts.service import get_user

    user = await get_user(organiser.id)
    first = await make_event(capacity=1)
    second = await make_event(capacity=5)
    foreign = await make_event(organiser=other_organiser.id)
    a = await reg(site, first, "A")
    b = await reg(site, first, "B")
    with pytest.raises(RuleViolation):
        await service.move_registration(first, a.id, foreign["id"], user, NOW, site)
    moved = await service.move_registration(first, a.id, second["id"], user, NOW, site)
    assert moved.status == "confirmed" and moved.event_id == second["id"]
    assert (await statuses(first["id"])) == {"B": "confirmed"}  # B promoted into the freed place
    await reg(site, second, "C")
    await reg(site, first, "C")
    with pytest.raises(Conflict):
        await service.move_registration(first, (await Registration.select().where(
            (Registration.event == first["id"]) & (Registration.name == "C")).first())["id"], second["id"], user, NOW, site)
    assert await AuditEntry.count().where(AuditEntry.action == "registrations.move") == 1
    assert b.status == "waitlisted"


async def test_check_in_only_for_confirmed(engine, site, make_event):
    event = await make_event(capacity=1)
    a, b = await reg(site, event, "A"), await reg(site, event, "B")
    row = await service.set_checked_in(event, a.id, True, NOW)
    assert row.checked_in_at == NOW
    with pytest.raises(Conflict):
        await service.set_checked_in(event, b.id, True, NOW)
    assert (await service.status_counts([event["id"]]))[event["id"]]["checked_in"] == 1
    await service.set_checked_in(event, a.id, False, NOW)
    assert (await service.status_counts([event["id"]]))[event["id"]]["checked_in"] == 0


async def test_questions_are_validated_and_ordered(engine, make_event):
    event = await make_event()
    with pytest.raises(RuleViolation) as refused:
        await service.add_question(event["id"], "Welke workshop?", "choice", "alleen één")
    assert set(refused.value.errors) == {"options"}
    with pytest.raises(RuleViolation):
        await service.add_question(event["id"], " ", "essay")
    q1 = await service.add_question(event["id"], "Dieet", "text")
    q2 = await service.add_question(event["id"], "Workshops", "multiple", "A\nB\n\nC", required=True)
    q3 = await service.add_question(event["id"], "Ik ga akkoord", "checkbox", required=True)
    await service.move_question(event["id"], q3, up=True)
    assert [q.id for q in await service.questions_of(event["id"])] == [q1, q3, q2]
    questions = await service.questions_of(event["id"])
    with pytest.raises(RuleViolation) as refused:
        service.validate_applicant(Applicant("A", "a@x.nl", answers={str(q2): ["A", "Z"]}), questions)
    assert set(refused.value.errors) == {f"q{q2}", f"q{q3}"}
    cleaned = service.validate_applicant(
        Applicant("A", "a@x.nl", answers={str(q2): ["A", "C"], str(q3): "on", str(q1): " geen "}), questions
    )
    assert cleaned == {str(q1): "geen", str(q2): ["A", "C"], str(q3): True}


async def test_csv_export_for_excel(engine, site, make_event, organiser):
    from events.accounts.service import get_user

    event = await make_event()
    diet = await service.add_question(event["id"], "Dieet", "choice", "geen\nvegetarisch")
    workshops = await service.add_question(event["id"], "Workshops", "multiple", "Phishing\nMystery guest")
    agree = await service.add_question(event["id"], "Foto's akkoord", "checkbox")
    await service.register(event["slug"], Applicant("Jan Jansen", "jan@x.nl", "Gemeente Zwolle",
                           answers={str(diet): "vegetarisch", str(workshops): ["Phishing", "Mystery guest"], str(agree): True}), NOW, site)
    await service.register(event["slug"], Applicant("=HYPERLINK(\"http://evil\")", "evil@x.nl", "+31 6; @work",
                           answers={}), NOW, site)
    body = await service.export_csv(event, await get_user(organiser.id), NOW, "nl")
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nummer", "Status", "Naam", "E-mailadres", "Organisatie", "Aangemeld op", "Ingecheckt op",
                       "Dieet", "Workshops", "Foto's akkoord"]
    assert rows[1][1:5] == ["bevestigd", "Jan Jansen", "jan@x.nl", "Gemeente Zwolle"]
    assert rows[1][7:] == ["vegetarisch", "Phishing, Mystery guest", "ja"]
    assert rows[2][2] == "'=HYPERLINK(\"http://evil\")" and rows[2][4] == "'+31 6; @work"
    audit = await AuditEntry.select().where(AuditEntry.action == "registrations.export").first()
    assert audit["actor"] == organiser.id and "2 registrations" in audit["detail"]


async def test_purge_anonymises_old_events_only(settings, engine, site, make_event):
    old = await make_event(starts_at=NOW - timedelta(days=400), ends_at=NOW - timedelta(days=399))
    recent = await make_event(starts_at=NOW - timedelta(days=30), ends_at=NOW - timedelta(days=29))
    for event in (old, recent):
        await Event.update({Event.ends_at: NOW + timedelta(days=1), Event.starts_at: NOW}).where(Event.id == event["id"])
        fresh = await Event.select().where(Event.id == event["id"]).first()
        await reg(site, fresh, "Anna", organisation="Gemeente")
        await reg(site, fresh, "Bob")
        await Event.update({Event.starts_at: event["starts_at"], Event.ends_at: event["ends_at"]}).where(Event.id == event["id"])
    # The deliverer wrote every mail as an .eml file (no SMTP configured).
    from events.mail.service import Deliverer  # noqa: PLC0415 - only this test delivers

    clock = FrozenClock(NOW)
    await Deliverer(smtp_url=None, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock, engine=engine).deliver_due()
    old_files = {f"{row['id']:08d}" for row in await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.event == old["id"])}
    assert old_files and all(any(settings.mail_dir.glob(f"{name}-*.eml")) for name in old_files)
    kept = {p.name for p in settings.mail_dir.glob("*.eml") if p.name[:8] not in old_files}
    assert kept
    assert await service.purge(NOW, 365, mail_dir=settings.mail_dir) == 2
    assert {p.name for p in settings.mail_dir.glob("*.eml")} == kept  # the old event's files are gone, the rest stay
    rows = await Registration.select().where(Registration.event == old["id"])
    assert all(r["name"] == "" and r["email"] == "" and r["organisation"] == "" and r["anonymised_at"] for r in rows)
    assert await OutboxMessage.count().where(OutboxMessage.event == old["id"]) == 0
    assert {r["name"] for r in await Registration.select().where(Registration.event == recent["id"])} == {"Anna", "Bob"}
    assert await service.purge(NOW, 365) == 0
    assert await AuditEntry.count().where(AuditEntry.action == "registrations.purge") == 2
    # the command says how many it touched
    env = {**settings_env(settings), "EVENTS_RETENTION_DAYS": "20"}
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "events.cli", "purge"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "anonymised 2 registrations" in result.stdout
    assert "deleted 0 uploaded files that no material refers to any more" in result.stdout


async def test_the_join_url_goes_only_to_confirmed_registrants_of_a_published_online_event(engine, site, make_event):
    """One rule for page, mail, invitation and feed: a confirmed place, a published event, online or hybrid."""
    event = await make_event()
    join = event["join_url"]
    assert service.join_url_for(event, "confirmed") == join
    assert service.join_url_for(event, "waitlisted") is None and service.join_url_for(event, "pending") is None
    assert service.join_url_for({**event, "status": "cancelled"}, "confirmed") is None
    assert service.join_url_for({**event, "status": "draft"}, "confirmed") is None
    assert service.join_url_for({**event, "format": "onsite"}, "confirmed") is None
    assert service.join_url_for({**event, "format": "hybrid", "join_url": ""}, "confirmed") is None
    # asking again after the event was cancelled: the link by mail, without the meeting's address
    await reg(site, event, "A")
    await Event.update({Event.status: "cancelled"}).where(Event.id == event["id"])
    await service.register(event["slug"], Applicant("A", "a@x.nl"), NOW + timedelta(hours=2), site)
    (link,) = await OutboxMessage.select().where(OutboxMessage.kind == "link")
    assert link["text_body"] and join not in link["text_body"] and join not in link["html_body"]
    assert "/j/" not in link["text_body"]  # nor the personal join link
    confirmation = await OutboxMessage.select().where(OutboxMessage.kind == "confirmed").first()
    assert f"{site.base_url}/j/" in confirmation["text_body"]  # the join URL reaches them as their personal link


async def test_the_waiting_list_orders_by_queue_time_then_by_id_through_its_index(engine, site, make_event):
    """A position counts who queued earlier, and who queued at the same moment with a lower id; someone who came
    back later (a higher queue time, a lower id) stands behind. The count walks the queue's index."""
    from events.kernel.database import is_sqlite, read_rows  # noqa: PLC0415

    event = await make_event(capacity=1)
    await reg(site, event, "A")
    b, c = await reg(site, event, "B"), await reg(site, event, "C")  # both queued at NOW: B first by id
    await service.register(event["slug"], Applicant("D", "d@x.nl"), NOW - timedelta(minutes=5), site)
    await Registration.update({Registration.queued_at: NOW + timedelta(minutes=5)}).where(Registration.id == b.id)
    rows = {r["name"]: r for r in await Registration.select().where(Registration.event == event["id"])}
    positions = {name: await service.waitlist_position(rows[name]) for name in "ABCD"}
    assert positions == {"A": None, "D": 1, "C": 2, "B": 3}
    if is_sqlite(engine):
        plan = await read_rows(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM registration_registration WHERE event = {} AND status = {} "
            "AND (queued_at, id) < ({}, {})", event["id"], "waitlisted", NOW, c.id,
        )
        assert "registration_queue" in str(plan), plan
    else:
        indexes = await read_rows("SELECT indexname FROM pg_indexes WHERE tablename = 'registration_registration'")
        assert "registration_queue" in {row["indexname"] for row in indexes}
