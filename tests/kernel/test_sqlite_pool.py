"""Kept SQLite connections for transactions (events.kernel.sqlite_pool): a transaction borrows one and gives it
back; a failed, cancelled or broken transaction leaves nothing behind, and a connection that may still be inside
a transaction is closed instead of given back."""

from __future__ import annotations

import asyncio

import pytest

from events.kernel.database import WRITERS_PER_LOOP, write_transaction
from events.programme.tables import Event
from tests.conftest import ON_POSTGRES
from tests.programme.helpers import make_event

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's kept connections")


@pytest.fixture
async def opened(engine, monkeypatch) -> list[object]:
    """Every kept writing connection the engine opens from now on (its kept ones closed first)."""
    opened: list[object] = []
    real = type(engine)._writing_connection

    async def counting(self):
        connection = await real(self)
        opened.append(connection)
        return connection

    monkeypatch.setattr(type(engine), "_writing_connection", counting)
    await engine.close_writers()
    return opened


async def _title(event_id: int) -> str:
    return (await Event.select(Event.title).where(Event.id == event_id).first())["title"]


async def test_transactions_reuse_the_kept_connections(engine, organiser, opened):
    event = await make_event(organiser.id)
    for i in range(10):
        async with write_transaction(engine):
            await Event.update({Event.title: f"Titel {i}"}).where(Event.id == event["id"])
    assert len(opened) == 1  # one after another: one connection, opened once
    assert await _title(event["id"]) == "Titel 9"

    async def rename(i: int) -> None:
        async with write_transaction(engine):
            await Event.update({Event.title: f"Tegelijk {i}"}).where(Event.id == event["id"])
            await asyncio.sleep(0)

    await asyncio.gather(*(rename(i) for i in range(20)))  # the rest wait for a kept one
    assert 1 <= len(opened) <= WRITERS_PER_LOOP
    assert (await _title(event["id"])).startswith("Tegelijk ")


async def test_a_failed_transaction_rolls_back_and_its_connection_serves_the_next(engine, organiser, opened):
    event = await make_event(organiser.id)
    with pytest.raises(RuntimeError):
        async with write_transaction(engine):
            await Event.update({Event.title: "Nooit bewaard"}).where(Event.id == event["id"])
            raise RuntimeError("a rule failed")
    assert await _title(event["id"]) == event["title"]
    assert not opened[0].in_transaction
    async with write_transaction(engine):
        await Event.update({Event.title: "Wel bewaard"}).where(Event.id == event["id"])
    assert await _title(event["id"]) == "Wel bewaard" and len(opened) == 1


async def test_a_cancelled_transaction_leaves_no_change_and_no_open_transaction(engine, organiser, opened):
    event = await make_event(organiser.id)
    inside = asyncio.Event()

    async def slow() -> None:
        async with write_transaction(engine):
            await Event.update({Event.title: "Afgebroken"}).where(Event.id == event["id"])
            inside.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(slow())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _title(event["id"]) == event["title"]
    assert all(not connection.in_transaction for connection in opened)
    async with write_transaction(engine):  # the write lock is free again
        await Event.update({Event.title: "Daarna"}).where(Event.id == event["id"])
    assert await _title(event["id"]) == "Daarna"


async def test_a_connection_whose_commit_failed_is_closed_not_given_back(engine, organiser, opened, monkeypatch):
    from piccolo.engine.sqlite import SQLiteTransaction

    event = await make_event(organiser.id)

    async def failing_commit(self):
        raise OSError("disk I/O error")  # the COMMIT never ran: the connection is still inside the transaction

    commit = SQLiteTransaction.commit
    monkeypatch.setattr(SQLiteTransaction, "commit", failing_commit)
    with pytest.raises(OSError):
        async with write_transaction(engine):
            await Event.update({Event.title: "Half"}).where(Event.id == event["id"])
    monkeypatch.setattr(SQLiteTransaction, "commit", commit)
    broken = opened[0]
    assert broken not in engine.writers().opened  # closed: its open transaction (and the lock) went with it
    async with write_transaction(engine):
        await Event.update({Event.title: "Heel"}).where(Event.id == event["id"])
    assert len(opened) == 2 and await _title(event["id"]) == "Heel"


async def test_a_statement_in_a_transaction_is_one_hop_to_its_connection(engine, organiser, monkeypatch):
    """Each hop to the connection's thread waits for the event loop's next turn: under a rush's load Piccolo's four
    per statement (a PRAGMA, the statement, the fetch, the cursor's close) were most of a batch's time."""
    import aiosqlite

    from events.kernel.database import insert_rows, read_rows
    from events.registration.tables import Registration

    event = await make_event(organiser.id)
    hops: list[object] = []
    real = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        hops.append(fn)
        return await real(self, fn, *args, **kwargs)

    async with write_transaction(engine):
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        await Event.select(Event.title).where(Event.id == event["id"])  # a Piccolo query
        await read_rows("SELECT id FROM programme_event WHERE id = {}", event["id"])  # a raw read
        await Event.update({Event.title: "Nieuw"}).where(Event.id == event["id"])
        await insert_rows(Registration, [{"event": event["id"], "name": "Anna", "email": "anna@gemeente.nl",
                                          "email_normalised": "anna@gemeente.nl", "token_hash": "h", "token_nonce": "n"}])
        monkeypatch.setattr(aiosqlite.Connection, "_execute", real)
    assert len(hops) == 4
    assert await _title(event["id"]) == "Nieuw"


async def test_foreign_keys_hold_inside_kept_transactions(engine, organiser):
    import sqlite3

    from events.registration.tables import Registration

    await engine.close_writers()  # a freshly opened kept connection
    with pytest.raises(sqlite3.IntegrityError):
        async with write_transaction(engine):
            await Registration.insert(Registration(event=987654, name="X", email="x@g.nl", email_normalised="x@g.nl",
                                                   token_hash="h", token_nonce="n"))
