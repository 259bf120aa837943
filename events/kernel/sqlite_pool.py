"""Kept SQLite connections: a small pool per event loop, and the transaction that borrows one.

Piccolo's SQLite transaction opens a connection (and its thread) at the start and closes it at the end: in a
registration rush that was a third of each batch's time (opening ~1 ms, closing ~2 ms, against ~1 ms for the
commit). A kept connection is autocommit between transactions (`isolation_level=None`), so it holds no lock and no
old snapshot while it waits in the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from piccolo.engine.sqlite import SQLiteTransaction


class ConnectionPool:
    """Long-lived connections of one event loop: idle ones wait in a queue, at most `size` are opened."""

    def __init__(self, connect, size: int) -> None:
        self.connect = connect
        self.size = size
        self.idle: asyncio.Queue = asyncio.Queue()
        self.opened: list = []
        self.opening = 0

    async def acquire(self):
        if self.idle.empty() and len(self.opened) + self.opening < self.size:
            self.opening += 1
            try:
                connection = await self.connect()
            finally:
                self.opening -= 1
            self.opened.append(connection)
            return connection
        return await self.idle.get()

    def release(self, connection) -> None:
        self.idle.put_nowait(connection)

    async def discard(self, connection) -> None:
        """Closes a connection that may not be reused (a commit or rollback failed or was cancelled halfway): the
        next `acquire` opens a fresh one in its place."""
        if connection in self.opened:
            self.opened.remove(connection)
        with contextlib.suppress(Exception):
            await connection.close()

    async def close(self) -> None:
        for connection in self.opened:
            with contextlib.suppress(Exception):
                await connection.close()
        self.opened.clear()


class KeptConnectionTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction on a connection borrowed from the engine's writing pool (`engine.writers()`)
    and given back afterwards, instead of one opened and closed for it. Nested use joins the outer transaction as
    in Piccolo. A connection whose BEGIN, COMMIT or ROLLBACK did not finish cleanly, or that is still inside a
    transaction, is closed rather than given back."""

    __slots__ = ()

    async def get_connection(self):
        return await self.engine.writers().acquire()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            await self.engine.writers().discard(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        pool, clean = self.engine.writers(), False
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            clean = not self.connection.in_transaction
        finally:
            self.engine.current_transaction.reset(self.context)
            if clean:
                pool.release(self.connection)
            else:
                await pool.discard(self.connection)
        return exception is None
