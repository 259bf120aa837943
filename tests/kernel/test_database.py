"""The kernel's written-out reads: the same plain rows on both databases, inside a write transaction and outside."""

from __future__ import annotations

from events.kernel.database import read_rows, write_transaction


async def test_read_rows_gives_plain_dicts_inside_and_outside_a_transaction(engine):
    sql = "SELECT {} AS slug, 2 AS n"
    outside = await read_rows(sql, "lezen")
    async with write_transaction(engine):
        inside = await read_rows(sql, "lezen")
        inside[0]["slug"] = "the caller's copy"  # a row is the caller's to change (asyncpg's records are not)
    assert type(outside[0]) is dict and type(inside[0]) is dict
    assert outside == [{"slug": "lezen", "n": 2}]
