"""The database engine: built from settings, bound to every table, migrated, and transactions that serialise writers.

Piccolo binds tables to the engine in `piccolo_conf.DB` lazily; we bind explicitly so that one process (or one test)
can point every table at the database it chose.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import sqlite3
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import aiosqlite
import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.columns.defaults.base import Default
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.querystring import QueryString
from piccolo.table import Table

from events.kernel.settings import DatabaseURL
from events.kernel.sqlite_pool import ConnectionPool, KeptConnectionTransaction

SQLITE_BUSY_TIMEOUT_S = 30.0
# What a UNIQUE index raises on either database (SQLite's IntegrityError also covers other constraints: callers
# check what they expected, e.g. that the other row now exists).
UNIQUE_VIOLATIONS = (sqlite3.IntegrityError, asyncpg.UniqueViolationError)
# Any constraint a statement broke (UNIQUE, foreign key, NOT NULL, CHECK), on either database.
DATABASE_REFUSALS = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)
MAX_BOUND_PARAMETERS = 30_000  # per statement: SQLite allows 32,766 (since 3.32), PostgreSQL 32,767


class TunedSQLiteConnection(sqlite3.Connection):
    """Every SQLite connection: WAL-friendly durability and foreign keys on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # NORMAL is durable across application crashes in WAL mode and much faster than FULL.
        self.execute("PRAGMA synchronous = NORMAL")
        self.execute("PRAGMA foreign_keys = ON")


def prepare_sqlite_file(path: Path) -> None:
    """Create the file and switch on WAL; WAL persists in the file and cannot be set inside a transaction."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")


READERS_PER_LOOP = 4
# Kept writing connections per event loop (transactions beyond them wait for one: SQLite lets one write at a time).
WRITERS_PER_LOOP = 2
# How many SQLite virtual-machine steps a read may take on the event loop's thread (about a millisecond) before it
# is interrupted and run again on a reading thread.
INLINE_READ_STEPS = 100_000


_INLINE_STEPS: ContextVar[int] = ContextVar("inline_steps", default=INLINE_READ_STEPS)  # `read_rows` raises it


def _interrupt() -> int:
    return 1  # called after INLINE_READ_STEPS steps: a non-zero answer interrupts the statement


class ReadingPoolSQLiteEngine(SQLiteEngine):
    """SQLite whose reads outside a transaction run on a few long-lived connections.

    Piccolo's engine opens a new connection (and thread) for every query outside a transaction; a page of a dozen
    queries paid a dozen. WAL lets readers run beside the writer and each autocommit SELECT sees the latest commit.
    A SELECT first runs right on the event loop's thread, on a kept connection of that thread: the indexed reads of
    a page take microseconds each, far less than the hop to a database thread and back (py-spy: that hop and the
    wait for the GIL behind it were most of the manage page's time under load). SQLite interrupts it after
    `INLINE_READ_STEPS` virtual-machine steps, or at once when the file is locked, so a long read (an export, a
    report) never holds the loop: it runs again on one of `READERS_PER_LOOP` reading threads. Transactions run on
    one of `WRITERS_PER_LOOP` kept connections (`kernel.sqlite_pool`); writes outside a transaction are Piccolo's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reader_pools: dict[int, ConnectionPool] = {}
        self._writer_pools: dict[int, ConnectionPool] = {}
        self._inline_readers: dict[int, sqlite3.Connection] = {}

    def _readers(self) -> ConnectionPool:
        loop = asyncio.get_running_loop()
        pool = self._reader_pools.get(id(loop))
        if pool is None:
            pool = self._reader_pools[id(loop)] = ConnectionPool(self._reading_connection, READERS_PER_LOOP)
        return pool

    def writers(self) -> ConnectionPool:
        """This event loop's kept connections for transactions (`KeptConnectionTransaction`)."""
        loop = asyncio.get_running_loop()
        pool = self._writer_pools.get(id(loop))
        if pool is None:
            pool = self._writer_pools[id(loop)] = ConnectionPool(self._writing_connection, WRITERS_PER_LOOP)
        return pool

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> KeptConnectionTransaction:
        return KeptConnectionTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _reading_connection(self) -> aiosqlite.Connection:
        return await _kept_connection(self.connection_kwargs)

    async def _writing_connection(self) -> aiosqlite.Connection:
        return await _kept_connection(self.connection_kwargs)

    def _inline_reader(self) -> sqlite3.Connection:
        """This thread's reading connection: no busy wait (a locked file sends the read to a reading thread)."""
        thread = threading.get_ident()
        connection = self._inline_readers.get(thread)
        if connection is None:
            kwargs = {**self.connection_kwargs, "timeout": 0, "check_same_thread": False}
            connection = self._inline_readers[thread] = sqlite3.connect(**kwargs)
            connection.row_factory = dict_factory
            connection.set_progress_handler(_interrupt, INLINE_READ_STEPS)
        return connection

    def read_inline(self, query: str, args=None, steps: int = INLINE_READ_STEPS) -> list[dict[str, Any]] | None:
        """The rows of a short read, on this thread; None when SQLite stopped it after `steps` steps, or at once
        when the file is locked."""
        connection = self._inline_reader()
        if steps != INLINE_READ_STEPS:
            connection.set_progress_handler(_interrupt, steps)
        try:
            return connection.execute(query, args or []).fetchall()
        except sqlite3.OperationalError:
            return None  # interrupted or locked: the caller reads on a reading thread (a real error shows there)
        finally:
            if steps != INLINE_READ_STEPS:
                connection.set_progress_handler(_interrupt, INLINE_READ_STEPS)

    async def _run_in_new_connection(self, query: str, args=None, query_type: str = "generic", table=None):
        if query_type != "generic" or not query.lstrip()[:6].upper() == "SELECT":
            return await super()._run_in_new_connection(query, args, query_type, table)
        rows = self.read_inline(query, args, _INLINE_STEPS.get())
        if rows is not None:
            return rows
        pool = self._readers()
        connection = await pool.acquire()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            pool.release(connection)

    async def _run_in_existing_connection(self, connection, query: str, args=None, query_type: str = "generic", table=None):
        """A statement in a transaction, in ONE hop to the connection's thread. Piccolo's took four (a PRAGMA,
        the statement, the fetch, the cursor's close), each a wait for the event loop's next turn: under a rush's
        load most of a batch's time. Kept connections switch foreign keys on when they open (`_kept_connection`;
        the PRAGMA is a no-op inside a transaction anyway)."""
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING: Piccolo reads the row id
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        return list(await connection.execute_fetchall(query, args or []))

    async def close_writers(self) -> None:
        """Closes this event loop's kept writing connections (app shutdown, end of a test): their threads end."""
        pool = self._writer_pools.pop(id(asyncio.get_running_loop()), None)
        if pool is not None:
            await pool.close()

    async def close_readers(self) -> None:
        """Closes this event loop's reading connections (app shutdown, end of a test): their threads end."""
        pool = self._reader_pools.pop(id(asyncio.get_running_loop()), None)
        if pool is not None:
            await pool.close()
        inline = self._inline_readers.pop(threading.get_ident(), None)
        if inline is not None:
            inline.close()


async def _kept_connection(connection_kwargs: dict[str, Any]) -> aiosqlite.Connection:
    """A connection for a pool, with Piccolo's settings (rows as dicts, foreign keys on)."""
    connection = aiosqlite.connect(**connection_kwargs)
    # A connection that an ended event loop left open must not keep the process from exiting.
    connection._thread.daemon = True
    await connection
    connection.row_factory = dict_factory
    await connection.execute("PRAGMA foreign_keys = 1")
    return connection


def make_engine(url: DatabaseURL) -> Engine:
    if url.is_sqlite:
        assert url.path is not None
        prepare_sqlite_file(url.path)
        return ReadingPoolSQLiteEngine(path=str(url.path), timeout=SQLITE_BUSY_TIMEOUT_S, factory=TunedSQLiteConnection)
    return PostgresEngine(config=url.postgres_config())


def all_table_classes() -> list:
    """Every table of every app in Piccolo's registry (found through PICCOLO_CONF, as Piccolo's own CLI finds it)."""

    registry = Finder().get_app_registry()
    tables = [Migration]
    for app_config in registry.app_configs.values():
        tables.extend(app_config.table_classes)
    return tables


@functools.cache
def _piccolo_conf() -> ModuleType:
    """Piccolo's configuration module (named by PICCOLO_CONF, fixed for the process): found once, not at every read
    (Finder imports it again at each call: 2% of the manage page)."""
    return Finder().get_piccolo_conf_module()


def bound_engine() -> Engine:
    """The engine `bind_engine` last bound (Piccolo's configured one before that)."""
    return _piccolo_conf().DB


def bind_engine(engine: Engine) -> None:
    """Point every table (and Piccolo's migration table and CLI) at this engine."""
    piccolo_conf = _piccolo_conf()
    piccolo_conf.DB = engine
    for table in all_table_classes():
        table._meta.db = engine


async def read_rows(sql: str, *args: Any, steps: int = INLINE_READ_STEPS) -> list[dict[str, Any]]:
    """The rows of one SELECT (`{}` placeholders) on the bound engine. On SQLite, outside a transaction, it runs on
    the loop's thread for up to `steps` steps before it moves to a reading thread: a read that a person waits for
    as a whole (the quiz host's leaderboard of 5,000 players, ~20 ms) may take a larger budget than a page's
    short reads, and skips the thread hop and the GIL hand-offs of its thousands of rows."""
    token = _INLINE_STEPS.set(steps)
    try:  # through the engine's own path, so what counts queries (a test's budget) sees this one too
        rows = await bound_engine().run_querystring(QueryString(sql, *args))
    finally:
        _INLINE_STEPS.reset(token)
    # asyncpg's records inside a transaction (Piccolo makes dicts only outside one): always plain dicts
    return rows if not rows or isinstance(rows[0], dict) else [dict(row) for row in rows]


def is_sqlite(engine: Engine) -> bool:
    return engine.engine_type == "sqlite"


async def start(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)


async def stop(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, ReadingPoolSQLiteEngine):
        await engine.close_readers()
        await engine.close_writers()


async def migrate(engine: Engine, quiet: bool = True) -> None:
    """Run every app's pending migrations against this engine."""
    bind_engine(engine)
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{out.getvalue()}")


@contextlib.asynccontextmanager
async def write_transaction(engine: Engine) -> AsyncIterator[None]:
    """A transaction that takes the write lock up front.

    On SQLite a deferred transaction that reads and then writes fails with "database is locked" under
    contention; IMMEDIATE serialises writers instead. On PostgreSQL callers lock the parent row with
    `SELECT … FOR UPDATE` (see `lock_row`).
    """
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


async def lock_row(engine: Engine, table, pk) -> None:
    """Serialise writers on one parent row (PostgreSQL); on SQLite the IMMEDIATE transaction already does."""
    if not isinstance(engine, SQLiteEngine):
        await table.raw(f"SELECT id FROM {table._meta.tablename} WHERE id = {{}} FOR UPDATE", pk).run()


async def insert_rows(table: type[Table], rows: Sequence[Table | Mapping[str, Any]], returning: tuple[str, ...] = ("id",)) -> list[dict[str, Any]]:
    """Saves many new rows (Table instances, or mappings of column names to values whose missing columns get their
    defaults) with multi-row INSERT statements of bound parameters; returns the `returning` columns.

    Piccolo's `insert(*rows)` builds a query fragment per value, which was a third of the registration writer's
    time in a rush; this binds the instances' values (defaults applied by Piccolo when they were made) straight
    away. Joins the caller's transaction. Rows go in the given order; `returning` rows come back in that order.
    """
    if not rows:
        return []
    plan = _column_plan(table)
    columns = plan.columns
    names = ", ".join(f'"{column._meta.db_column_name}"' for column in columns)
    suffix = " RETURNING " + ", ".join(f'"{name}"' for name in returning) if returning else ""
    per_statement = max(1, MAX_BOUND_PARAMETERS // len(columns))
    transaction = table._meta.db.current_transaction.get()
    results: list[dict[str, Any]] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = [value for row in chunk for value in _values(row, plan)]
        head = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES '
        if transaction is None:
            one_row = "(" + ", ".join(["{}"] * len(columns)) + ")"
            results.extend(await table.raw(head + ", ".join([one_row] * len(chunk)) + suffix, *values))
        else:
            sql = head + _placeholders(transaction, len(chunk), len(columns)) + suffix
            results.extend(await _run_in(transaction, sql, values))
    return results


_CONSTANT_DEFAULTS = (str, int, float, bool, bytes, type(None))
_CALLED = object()  # marks a column whose default is made anew for each row (a timestamp, a fresh list)


@dataclass(frozen=True)
class _ColumnPlan:
    """A table's columns for `insert_rows`, worked out once: their names, and each one's default (a constant, or
    `_CALLED` for a default that Piccolo makes anew per row). Walking Piccolo's column objects for every row was a
    third of a registration batch's Python time."""

    columns: tuple[Any, ...]
    names: tuple[str, ...]
    known: frozenset[str]
    defaults: tuple[Any, ...]


@functools.cache
def _column_plan(table: type[Table]) -> _ColumnPlan:
    columns = tuple(column for column in table._meta.columns if not column._meta.primary_key)
    defaults = []
    for column in columns:
        default = getattr(column, "default", ...)
        default = default.value if isinstance(default, Enum) else default
        constant = isinstance(default, _CONSTANT_DEFAULTS) or default is ...
        defaults.append((None if default is ... else default) if constant else _CALLED)
    names = tuple(column._meta.name for column in columns)
    return _ColumnPlan(columns, names, frozenset(names), tuple(defaults))


def _values(row: Table | Mapping[str, Any], plan: _ColumnPlan) -> list[Any]:
    """A row's column values, the row given as a Table instance or as a mapping of column names (Piccolo's
    instances cost 50-100 µs each to make, a tenth of a registration in a rush). A mapping's missing column gets
    the column's default, as Piccolo would give it; a name that is no column is refused."""
    if isinstance(row, Table):
        return [getattr(row, name) for name in plan.names]
    if not plan.known.issuperset(row):
        raise ValueError(f"not columns of this table: {sorted(set(row) - plan.known)}")
    values = []
    for name, default, column in zip(plan.names, plan.defaults, plan.columns, strict=True):
        value = row.get(name, default)
        if value is _CALLED:
            value = column.get_default_value()
            value = value.python() if isinstance(value, Default) else value
        values.append(value)
    return values


def _placeholders(transaction: Any, rows: int, columns: int) -> str:
    """The VALUES list in the driver's own placeholders: `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`."""
    if isinstance(transaction.connection, aiosqlite.Connection):
        return ", ".join(["(" + ", ".join(["?"] * columns) + ")"] * rows)
    numbers = iter(range(1, rows * columns + 1))
    return ", ".join("(" + ", ".join(f"${next(numbers)}" for _ in range(columns)) + ")" for _ in range(rows))


async def _run_in(transaction: Any, sql: str, values: list[Any]) -> list[dict[str, Any]]:
    """One statement on the transaction's own connection, straight to the driver: Piccolo's query strings bound
    each of a batch's thousands of values in Python (a fifth of the registration desk's batch under py-spy)."""
    connection = transaction.connection
    if isinstance(connection, aiosqlite.Connection):  # one hop to its thread (a cursor's three took a loop turn each)
        return [dict(row) for row in await connection.execute_fetchall(sql, values)]
    return [dict(record) for record in await connection.fetch(sql, *values)]
