"""The embedded SQLite default: WAL, a busy timeout, foreign keys; migrations leave every app's tables."""

import sqlite3

import pytest

from events import database
from events.piccolo_conf import APP_REGISTRY
from events.settings import parse_database_url
from tests.conftest import ON_POSTGRES


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
    await database.migrate(engine)
    await database.migrate(engine)
