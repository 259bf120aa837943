"""The in-process worker gives way to a rush (events.kernel.pressure): while registration batches keep coming it
delivers only small rounds, after a quiet moment everything; the deliverer records a batch's renders and sends
in one write each, and `limit` bounds a round."""

from __future__ import annotations

import asyncio

from events.kernel import pressure
from events.mail import worker
from events.mail.jobs import WorkerJobs
from events.mail.tables import OutboxMessage
from events.registration import service
from events.registration.service import Applicant
from tests.conftest import NOW
from tests.mail.test_outbox import deliverer


async def _register(make_event, site, count: int) -> None:
    event = await make_event()
    batch = [(event["slug"], Applicant(f"Deelnemer {i}", f"d{i}@gemeente.nl"), NOW) for i in range(count)]
    await service.register_batch(batch, site)  # a rush's batch: its mails are written unrendered


async def _statuses() -> list[str]:
    return sorted(row["status"] for row in await OutboxMessage.select(OutboxMessage.status))


async def test_a_round_takes_at_most_its_limit_and_records_every_send(settings, clock, engine, site, make_event):
    await _register(make_event, site, 12)
    sender = deliverer(settings, clock, engine)
    assert await sender.deliver_due(limit=5) == 5
    assert (await _statuses()).count("sent") == 5 and len(list(settings.mail_dir.glob("*.eml"))) == 5
    assert await sender.deliver_due() == 7
    assert await _statuses() == ["sent"] * 12
    rendered = await OutboxMessage.select(OutboxMessage.render_context, OutboxMessage.subject)
    assert all(row["render_context"] is None and row["subject"] for row in rendered)


async def test_the_worker_gives_way_while_batches_run_and_catches_up_after(settings, clock, engine, site, make_event, monkeypatch):
    await _register(make_event, site, 30)
    monkeypatch.setattr(pressure, "MAX_WAIT", 0.05)
    monkeypatch.setattr(worker, "BUSY_BATCH", 4)
    rounds: list[int] = []
    sender = deliverer(settings, clock, engine)
    original = sender.deliver_due

    async def counted(limit=None):
        sent = await original(limit)
        rounds.append(sent)
        return sent

    sender.deliver_due = counted
    with pressure.Batch():  # a registration batch is running the whole time
        assert await worker.work_once(clock, sender, WorkerJobs(), give_way=True) == 30
    assert rounds[:7] == [4] * 7 and rounds[-1] == 0  # small rounds while busy, none skipped
    assert await _statuses() == ["sent"] * 30


async def test_a_quiet_process_delivers_at_once(settings, clock, engine, site, make_event):
    await _register(make_event, site, 8)
    assert not pressure.writing(gap=0.0)
    assert await asyncio.wait_for(pressure.quiet_moment(max_wait=5), timeout=5) is True
    assert await worker.work_once(clock, deliverer(settings, clock, engine), WorkerJobs(), give_way=True) == 8


async def test_a_batch_makes_the_process_busy_until_a_moment_after_it(monkeypatch):
    with pressure.Batch():
        assert pressure.writing()
        assert await pressure.quiet_moment(max_wait=0.05) is False
    assert pressure.writing(gap=10)
    assert not pressure.writing(gap=0.0)


async def test_a_round_lets_other_work_run_between_its_messages(settings, clock, engine, site, make_event):
    """Rendering and writing a message take milliseconds of the loop's time: other work (a request of a rush) gets
    a turn between two messages, not only after the round."""
    await _register(make_event, site, 6)
    sender = deliverer(settings, clock, engine)
    log: list[str] = []
    composer, write_eml = sender.composer, sender._write_eml  # noqa: SLF001 - watched, not replaced

    async def composing(message, now):
        log.append("render")
        return await composer(message, now)

    def writing(message):
        log.append("write")
        write_eml(message)

    sender.composer, sender._write_eml = composing, writing  # noqa: SLF001
    round_ = asyncio.create_task(sender.deliver_due())
    while not round_.done():
        log.append("other")
        await asyncio.sleep(0)
    assert await round_ == 6
    for kind in ("render", "write"):
        places = [i for i, step in enumerate(log) if step == kind]
        assert len(places) == 6
        assert all("other" in log[a:b] for a, b in zip(places, places[1:], strict=False)), (kind, log)


async def test_an_idle_round_takes_no_write_lock(settings, clock, engine, site, make_event, monkeypatch):
    """Nothing due: the deliverer's claim is one read, no write transaction (on SQLite the file's write lock, which a
    rush's desk needs), every second of every worker."""
    from events.mail.service import delivery

    taken: list[object] = []
    original = delivery.write_transaction

    def recording(engine_):
        taken.append(engine_)
        return original(engine_)

    monkeypatch.setattr(delivery, "write_transaction", recording)
    sender = deliverer(settings, clock, engine)
    assert await sender.deliver_due() == 0
    assert taken == []
    await _register(make_event, site, 2)
    assert await sender.deliver_due() == 2  # something due: claimed under the lock as before
    assert taken
