"""The places taken per event (`registration_places`, kept by triggers): after every kind of change, by a service
or straight in SQL, the counter equals a count of the rows; and a batch reads it instead of counting."""

from __future__ import annotations

from events.accounts.service import get_user
from events.kernel.database import read_rows
from events.programme.tables import Event
from events.registration import service
from events.registration.service import Applicant
from events.registration.service.queries import confirmed_and_waitlisted
from events.registration.tables import Registration
from tests.conftest import NOW


async def _counted(event_id: int) -> tuple[int, int]:
    rows = await Registration.select(Registration.status).where(Registration.event == event_id)
    statuses = [row["status"] for row in rows]
    return statuses.count("confirmed"), statuses.count("waitlisted")


async def _agree(*events: dict) -> None:
    for event in events:
        assert await confirmed_and_waitlisted(event["id"]) == await _counted(event["id"]), event["slug"]


async def test_the_counter_follows_every_kind_of_change(engine, site, make_event, organiser):
    user = await get_user(organiser.id)
    first, second = await make_event(capacity=2), await make_event(capacity=5)
    approval = await make_event(capacity=1, approval_required=True)
    people = [(first["slug"], Applicant(f"P{i}", f"p{i}@gemeente.nl"), NOW) for i in range(5)]
    outcomes = await service.register_batch(people, site)  # one INSERT of five rows: two places, three waiting
    await _agree(first)
    assert await confirmed_and_waitlisted(first["id"]) == (2, 3)
    await service.cancel_registration(outcomes[0].id, NOW, site)  # a place freed: the first waiting is promoted
    await _agree(first)
    await service.move_registration(first, outcomes[1].id, second["id"], user, NOW, site)
    await _agree(first, second)
    await service.delete_registration(first, outcomes[4].id, user, NOW, site)
    await _agree(first)
    pending = await service.register(approval["slug"], Applicant("Q", "q@gemeente.nl"), NOW, site)
    await _agree(approval)  # pending counts nowhere
    await service.decide(approval, pending.id, True, NOW, site, by=user)
    await _agree(approval)
    again = await service.register(first["slug"], Applicant("P0", "p0@gemeente.nl"), NOW, site)  # back after cancelling
    assert again.status == "waitlisted"
    await _agree(first)
    await Registration.raw("UPDATE registration_registration SET status = 'cancelled' WHERE status = 'waitlisted'")
    await _agree(first, second, approval)  # past every service: the triggers
    await Event.delete().where(Event.id == second["id"])
    assert await read_rows("SELECT * FROM registration_places WHERE event = {}", second["id"]) == []


async def test_a_batch_reads_the_counter_not_the_waiting_list(engine, site, make_event, monkeypatch):
    from events.kernel import database

    event = await make_event(capacity=1)
    await service.register_batch([(event["slug"], Applicant(f"W{i}", f"w{i}@gemeente.nl"), NOW) for i in range(30)], site)
    seen: list[str] = []
    original = database.read_rows

    async def recording(sql, *args, **kwargs):
        seen.append(sql)
        return await original(sql, *args, **kwargs)

    monkeypatch.setattr("events.registration.service.queries.read_rows", recording)
    late = await service.register(event["slug"], Applicant("Laat", "laat@gemeente.nl"), NOW, site)
    assert late.status == "waitlisted" and late.position == 30
    assert any("registration_places" in sql for sql in seen)
    assert not any("COUNT" in sql.upper() and "registration_registration" in sql and "queued_at" not in sql for sql in seen)
