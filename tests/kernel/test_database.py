"""The kernel's written-out reads: the same plain rows on both databases, inside a write transaction and outside;
the bound engine found without looking for Piccolo's configuration again."""

from __future__ import annotations

from piccolo.conf.apps import Finder

from events.kernel import database
from events.kernel.database import read_rows, write_transaction
from events.kernel.settings import DatabaseURL


async def test_read_rows_gives_plain_dicts_inside_and_outside_a_transaction(engine):
    sql = "SELECT {} AS slug, 2 AS n"
    outside = await read_rows(sql, "lezen")
    async with write_transaction(engine):
        inside = await read_rows(sql, "lezen")
        inside[0]["slug"] = "the caller's copy"  # a row is the caller's to change (asyncpg's records are not)
    assert type(outside[0]) is dict and type(inside[0]) is dict
    assert outside == [{"slug": "lezen", "n": 2}]


async def test_the_bound_engine_is_found_without_importing_piccolos_configuration_again(engine, monkeypatch, tmp_path):
    database.bound_engine()  # Piccolo's configuration module was found once (at the first binding)

    def looked_again(_finder):
        raise AssertionError("Finder looked for piccolo_conf again")

    monkeypatch.setattr(Finder, "get_piccolo_conf_module", looked_again)
    for _ in range(3):
        assert database.bound_engine() is engine
    monkeypatch.undo()
    other = database.make_engine(DatabaseURL(kind="sqlite", path=tmp_path / "other.db"))
    try:
        database.bind_engine(other)  # rebinding (a test's fresh database) is seen by the next read
        assert database.bound_engine() is other
    finally:
        database.bind_engine(engine)
