"""Content versions: one counter per kind of public content, bumped by database triggers in the same transaction
as every insert, update or delete of the tables that show it (migrations `programme …content_versions` and
`resources …content_versions` install them). A cached public answer is keyed on the counters it depends on, read
from the database at each request, so every worker sees a change at the next request and no code path can forget
to invalidate.

- `programme`: events, sessions, session speakers, users (speakers' names and bios), organisations
- `library`: the resource library and its links to events and sessions
- `series`: series of events and the events in them (migration `series …series_rules`)
"""

from __future__ import annotations

import sqlite3
import threading

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

TABLE = "content_version"
PROGRAMME = "programme"
LIBRARY = "library"
SERIES = "series"


QUERY = f"SELECT name, version FROM {TABLE}"
_local = threading.local()


def _sqlite_reader(engine: SQLiteEngine) -> sqlite3.Connection:
    """This thread's own autocommit connection to the engine's file (WAL: it sees every commit)."""
    readers = _local.__dict__.setdefault("readers", {})
    path = engine.connection_kwargs["database"]
    connection = readers.get(path)
    if connection is None:
        connection = readers[path] = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5)
    return connection


async def read(engine: Engine) -> dict[str, int]:
    """Every counter, in one small query (a table of a few rows).

    On SQLite the query runs right here, on a kept connection of this thread: a primary-key read of a tiny table
    takes microseconds, far less than a hop to a database thread and back, which would cost every cached answer.
    """
    if isinstance(engine, SQLiteEngine) and engine.current_transaction.get() is None:
        return dict(_sqlite_reader(engine).execute(QUERY).fetchall())
    rows = await engine.run_querystring(QueryString(QUERY))
    return {row["name"]: row["version"] for row in rows}
