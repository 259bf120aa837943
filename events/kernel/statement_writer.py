"""SQLite's statement writer: writing statements that arrive in a burst share one transaction on one connection.

Piccolo's SQLite engine opens a connection per query outside a transaction, and every autocommit write fights for
the file's lock; a writer per database file and event loop takes the lock once per burst instead. On PostgreSQL
statements go straight to the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor

from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from events.kernel.database import SQLITE_BUSY_TIMEOUT_S, TunedSQLiteConnection


async def write_statement(table: type[Table], sql: str, values: tuple) -> list[tuple]:
    """Runs one writing statement with `{}` placeholders; returns its RETURNING rows as tuples.

    SQLite: through the process's statement writer (batched); PostgreSQL: straight on the pool."""
    engine = table._meta.db
    if isinstance(engine, SQLiteEngine):
        return await _writer_for(engine).execute(sql.replace("{}", "?"), values)
    return [tuple(row.values()) for row in await table.raw(sql, *values)]


class StatementWriter:
    """SQLite: writes (a quiz's answers and joins) that arrive while one write is in flight go in together, in ONE
    transaction on the writer's own connection and thread.

    A quiz room answers (and joins) in bursts, and every autocommit statement on its own connection is a fight for
    the file's write lock: SQLite's busy handler backs off by sleeping (up to 100 ms a try), so with several
    worker processes one could lose that fight for half a second. One transaction per burst takes the lock
    once. It keeps no state of its own: every statement is still decided by the database (conditions, UNIQUE).
    A constraint failure ends only its own statement (SQLite keeps the transaction); any other error rolls the
    batch back and each statement is retried in its own transaction, so one failure never sinks the rest.
    """

    def __init__(self, path: str):
        self.path = path
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-statement-writer")
        self.connection: sqlite3.Connection | None = None
        self.pending: list[tuple[str, tuple, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def execute(self, sql: str, values: tuple) -> list[tuple]:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((sql, values, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                outcomes = await loop.run_in_executor(self.executor, self._write, [(q, v) for q, v, _f in batch])
            except Exception as exc:  # noqa: BLE001 - every waiting statement hears about it
                outcomes = [exc] * len(batch)
            for (_sql, _values, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _write(self, batch: list[tuple[str, tuple]]) -> list[list[tuple] | Exception]:
        """On the writer's thread."""
        if self.connection is None:
            self.connection = sqlite3.connect(
                self.path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False,
                factory=TunedSQLiteConnection,
            )
        try:
            return self._transaction(batch)
        except sqlite3.Error as exc:
            if len(batch) == 1:
                return [exc]
            outcomes: list[list[tuple] | Exception] = []
            for statement in batch:
                try:
                    outcomes.extend(self._transaction([statement]))
                except sqlite3.Error as single:
                    outcomes.append(single)
            return outcomes

    def _transaction(self, batch: list[tuple[str, tuple]]) -> list[list[tuple] | Exception]:
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            outcomes: list[list[tuple] | Exception] = []
            for sql, values in batch:
                try:
                    outcomes.append(connection.execute(sql, values).fetchall())
                except sqlite3.IntegrityError as refused:  # only this statement was undone
                    outcomes.append(refused)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return outcomes

    def close(self) -> None:
        def close_connection() -> None:
            if self.connection is not None:
                self.connection.close()
                self.connection = None

        self.executor.submit(close_connection).result()
        self.executor.shutdown(wait=True)


_writers: dict[tuple[str, int], StatementWriter] = {}


def _writer_for(engine: SQLiteEngine) -> StatementWriter:
    """One writer per database file and event loop (a worker process has one loop; tests have one per test)."""
    key = (str(engine.path), id(asyncio.get_running_loop()))
    writer = _writers.get(key)
    if writer is None:
        writer = _writers[key] = StatementWriter(str(engine.path))
    return writer


async def close_statement_writers() -> None:
    """Closes this event loop's statement writers (app shutdown, end of a test): their threads are not daemons."""
    loop_id = id(asyncio.get_running_loop())
    for key in [k for k in _writers if k[1] == loop_id]:
        writer = _writers.pop(key)
        if writer.task is not None and not writer.task.done():
            with contextlib.suppress(Exception):
                await writer.task
        await asyncio.to_thread(writer.close)
