"""The embedded SQLite default: WAL, a busy timeout, foreign keys; migrations leave every app's tables."""

import asyncio
import sqlite3

import pytest

from events.kernel import database
from events.kernel.settings import parse_database_url
from events.piccolo_conf import APP_REGISTRY
from tests.conftest import ON_POSTGRES, ROOT


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite-specific pragmas")
async def test_sqlite_file_is_wal_with_busy_timeout(tmp_path):
    url = parse_database_url(f"sqlite:///{tmp_path}/fresh/events.db")
    engine = database.make_engine(url)
    await database.migrate(engine)
    with sqlite3.connect(url.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = await engine.run_ddl("PRAGMA busy_timeout")
    assert rows[0]["timeout"] == int(database.SQLITE_BUSY_TIMEOUT_S * 1000)
    rows = await engine.run_ddl("PRAGMA foreign_keys")
    assert rows[0]["foreign_keys"] == 1


async def test_migrations_create_every_table(engine):
    for app_config in APP_REGISTRY.app_configs.values():
        for table in app_config.table_classes:
            assert await table.table_exists(), table._meta.tablename


async def test_migrating_twice_is_a_no_op(engine):
    from piccolo.apps.migrations.tables import Migration

    await database.migrate(engine)
    applied = await Migration.select(Migration.app_name, Migration.name).order_by(Migration.id)
    migration_files = [p for p in ROOT.glob("events/*/piccolo_migrations/*.py") if p.name != "__init__.py"]
    assert len(applied) == len(migration_files)  # every migration ran once
    await database.migrate(engine)
    assert await Migration.select(Migration.app_name, Migration.name).order_by(Migration.id) == applied


PG_INDEXES = """SELECT i.relname AS name, ix.indisunique AS is_unique, ix.indpred IS NOT NULL AS partial,
    array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
    WHERE t.relname = {}"""


async def _indexes(engine, tablename: str) -> list[tuple[str, tuple[str, ...], bool, bool]]:
    """(name, columns, unique, partial) of each index of the table."""
    if ON_POSTGRES:
        rows = await database.read_rows(PG_INDEXES, tablename)
        return [(r["name"], tuple(r["columns"]), r["is_unique"], r["partial"]) for r in rows]
    found = []
    for row in await engine.run_ddl(f"PRAGMA index_list('{tablename}')"):
        columns = tuple(r["name"] for r in await engine.run_ddl(f"PRAGMA index_info('{row['name']}')"))
        found.append((row["name"], columns, bool(row["unique"]), bool(row["partial"])))
    return found


async def test_no_index_repeats_another(engine):
    """An index whose columns begin another index (or that repeats the one a UNIQUE constraint makes) serves no
    lookup the other does not, and every insert writes it for nothing (a third of a registration's INSERT)."""
    repeated = []
    for app_config in APP_REGISTRY.app_configs.values():
        for table in app_config.table_classes:
            indexes = [index for index in await _indexes(engine, table._meta.tablename) if not index[3]]
            for name, columns, unique, _partial in indexes:
                for other, other_columns, other_unique, _p in indexes:
                    covers = other_columns[: len(columns)] == columns
                    if other != name and covers and (not unique or (other_unique and other_columns == columns)):
                        repeated.append(f"{table._meta.tablename}: {name} {columns} repeats {other} {other_columns}")
                        break
    assert repeated == []


async def test_insert_rows_binds_many_rows_in_order_in_the_callers_transaction(engine, organiser, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from events.programme.tables import Event
    from events.registration.tables import Registration

    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    await Event.insert(Event(slug="bulk", title="Bulk", status="published", starts_at=start,
                             ends_at=start + timedelta(hours=2), organiser=organiser.id))
    event_id = (await Event.select(Event.id).where(Event.slug == "bulk").first())["id"]
    monkeypatch.setattr(database, "MAX_BOUND_PARAMETERS", 40)  # a few rows per statement: chunks are exercised
    rows = [Registration(event=event_id, name=f"Deelnemer {i}", email=f"d{i}@gemeente.example",
                         email_normalised=f"d{i}@gemeente.example", token_hash=f"{i:064d}", token_nonce="n",
                         answers='{"1": "ja, \\"zeker\\""}', queued_at=start + timedelta(seconds=i)) for i in range(7)]
    async with database.write_transaction(engine):
        returned = await database.insert_rows(Registration, rows, ("id", "token_hash"))
    assert [r["token_hash"] for r in returned] == [f"{i:064d}" for i in range(7)]
    stored = await Registration.select().where(Registration.event == event_id).order_by(Registration.id)
    assert [r["id"] for r in stored] == [r["id"] for r in returned]
    assert stored[3]["queued_at"] == start + timedelta(seconds=3) and stored[3]["status"] == "confirmed"  # a default
    assert stored[0]["answers"] == '{"1": "ja, \\"zeker\\""}' and stored[0]["cancelled_at"] is None

    with pytest.raises(RuntimeError):
        async with database.write_transaction(engine):
            await database.insert_rows(Registration, [Registration(
                event=event_id, name="Weg", email="weg@x.nl", email_normalised="weg@x.nl", token_hash="f" * 64,
                token_nonce="n")], returning=())
            raise RuntimeError("the change fails after the insert")
    assert await Registration.count().where(Registration.email == "weg@x.nl") == 0
    assert await database.insert_rows(Registration, []) == []


async def test_insert_rows_takes_mappings_with_defaults_in_and_out_of_a_transaction(engine, organiser):
    from datetime import UTC, datetime, timedelta

    from events.programme.tables import Event
    from events.registration.tables import Registration

    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    await Event.insert(Event(slug="rijen", title="Rijen", status="published", starts_at=start,
                             ends_at=start + timedelta(hours=2), organiser=organiser.id))
    event_id = (await Event.select(Event.id).where(Event.slug == "rijen").first())["id"]

    def row(i: int) -> dict:
        return {"event": event_id, "name": f"Rij {i}", "email": f"r{i}@gemeente.example",
                "email_normalised": f"r{i}@gemeente.example", "token_hash": f"{i:064x}", "token_nonce": f"n{i}"}

    async with database.write_transaction(engine):  # the driver's own placeholders, on the transaction's connection
        inside = await database.insert_rows(Registration, [row(1), row(2), Registration(**row(3))], ("id", "token_hash"))
    outside = await database.insert_rows(Registration, [row(4)], ("id",))  # no transaction: through Piccolo
    assert [r["token_hash"] for r in inside] == [f"{i:064x}" for i in (1, 2, 3)] and len(outside) == 1
    stored = await Registration.select().where(Registration.event == event_id).order_by(Registration.id)
    assert [r["name"] for r in stored] == ["Rij 1", "Rij 2", "Rij 3", "Rij 4"]
    made = Registration(**row(9))  # what Piccolo gives a missing column
    for column in ("status", "organisation", "answers", "language", "cancelled_at", "checked_in_at"):
        assert stored[0][column] == getattr(made, column), column
    assert stored[0]["queued_at"] is not None and stored[0]["queued_at"].tzinfo is not None  # a callable default
    with pytest.raises(ValueError, match="not columns"):
        await database.insert_rows(Registration, [{**row(5), "nmae": "typo"}])
    assert await Registration.count().where(Registration.event == event_id) == 4


@pytest.fixture
async def opened(engine, monkeypatch) -> list[int]:
    """One entry for each reading thread's connection the engine opens from now on (its readers closed first)."""
    opened: list[int] = []
    real = type(engine)._reading_connection

    async def counting(self):
        opened.append(1)
        return await real(self)

    monkeypatch.setattr(type(engine), "_reading_connection", counting)
    await engine.close_readers()
    return opened


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's reading connections")
async def test_sqlite_short_reads_run_on_the_loops_thread_and_see_every_commit(engine, organiser, opened):
    from events.accounts.tables import User

    for _ in range(20):
        assert await User.count() == 1
    assert opened == []  # no reading thread (and no connection per query): the kept inline connection answered
    await User.update({User.name: "Nieuw"}).where(User.id == organiser.id)  # a write on its own connection
    assert (await User.select(User.name).first())["name"] == "Nieuw"  # the inline reader sees it at once
    results = await asyncio.gather(*(User.count() for _ in range(50)))
    assert results == [1] * 50 and opened == []


LONG_READ = (
    "SELECT (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) SELECT count(*) FROM n) AS c"
)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's reading connections")
async def test_sqlite_a_long_read_leaves_the_loop_for_a_reading_thread(engine, opened):
    from piccolo.querystring import QueryString

    assert engine.read_inline(LONG_READ) is None  # SQLite interrupted it after INLINE_READ_STEPS steps
    assert await engine.run_querystring(QueryString(LONG_READ)) == [{"c": 300000}]  # whole, on a reading thread
    assert opened == [1]
    assert engine.read_inline("SELECT 41 + 1 AS answer") == [{"answer": 42}]  # the inline connection still serves
    with pytest.raises(sqlite3.OperationalError, match="no such table"):  # a real error shows as itself
        await engine.run_querystring(QueryString("SELECT * FROM no_such_table"))
