"""Content versions: one counter per kind of public content, bumped by database triggers in the same transaction
as every insert, update or delete of the tables that show it (migrations `programme …content_versions` and
`resources …content_versions` install them). A cached public answer is keyed on the counters it depends on, read
from the database at each request, so every worker sees a change at the next request and no code path can forget
to invalidate. `remembered` keeps a service's read the same way (the manage page's event, sessions, questions and
materials).

- `programme`: events, sessions, session speakers, users (speakers' names and bios), organisations, speaker
  profiles, registration questions
- `library`: the resource library and its links to events and sessions
- `series`: series of events and the events in them (migration `series …series_rules`)
- `materials`: speakers' materials and their versions (what the event page lists as released)
"""

from __future__ import annotations

import asyncio
import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, TypeVar

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from events.kernel.database import ReadingPoolSQLiteEngine, bound_engine

TABLE = "content_version"
PROGRAMME = "programme"
LIBRARY = "library"
SERIES = "series"
MATERIALS = "materials"

QUERY = f"SELECT name, version FROM {TABLE}"
T = TypeVar("T")

# Within `held()`: the task that holds, and the counters it read first per engine (a page asks through several
# remembered reads). A task started meanwhile inherits the variable but not the holding: it reads for itself.
_HELD: ContextVar[tuple[asyncio.Task | None, dict[int, dict[str, int]]] | None] = ContextVar(
    "held_content_versions", default=None
)


class held:  # noqa: N801 - used like a function: `with content_versions.held():`
    """Within it the counters are read once and every remembered read and cached answer uses that reading: a
    reading request (GET, HEAD) is built from one consistent view of the content, at the cost of one small query.
    Not for what writes content and reads it back (it would read the counters from before its own change).
    A class, not a generator: every GET enters it (a generator's context manager cost /livez 3% of its time)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _HELD.set((asyncio.current_task(), {}))

    def __exit__(self, *_exc: object) -> None:
        _HELD.reset(self._token)


async def read(engine: Engine) -> dict[str, int]:
    """Every counter, in one small query (a table of a few rows).

    On SQLite the query runs right here, on the engine's connection of this thread (`read_inline`): a read of a
    tiny table takes microseconds, far less than a hop to a database thread and back, which would cost every
    cached answer.
    """
    holding = _HELD.get()
    kept = holding[1] if holding is not None and holding[0] is asyncio.current_task() else None
    if kept is not None and id(engine) in kept:
        return kept[id(engine)]
    rows = None
    if isinstance(engine, ReadingPoolSQLiteEngine) and engine.current_transaction.get() is None:
        rows = engine.read_inline(QUERY)
    if rows is None:
        rows = await engine.run_querystring(QueryString(QUERY))
    versions = {row["name"]: row["version"] for row in rows}
    if kept is not None:
        kept[id(engine)] = versions
    return versions


# Values a copy shares as they are (immutable): the columns of a row. Checked by exact type first, the cheap test
# for nearly every value of a page's rows (py-spy: three isinstance calls per column were 5% of the manage page).
_SHARED_AS_IS = frozenset({str, int, float, bool, type(None), datetime, date, bytes})


def _fresh(value: Any) -> Any:
    """A copy of a remembered answer's dicts and lists, so a caller that adds a key changes only its own copy
    (rows as dataclasses are frozen and shared)."""
    if type(value) in _SHARED_AS_IS:
        return value
    if isinstance(value, dict):
        return {key: item if type(item) in _SHARED_AS_IS else _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item if type(item) in _SHARED_AS_IS else _fresh(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_fresh(item) for item in value)
    return value


def _is_flat_row(value: Any) -> bool:
    return type(value) is dict and all(type(item) in _SHARED_AS_IS for item in value.values())


def _rows_copy(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list(map(dict, rows))


def _copier(answer: Any) -> Callable[[Any], Any]:
    """How to copy this kept answer: chosen once, when it is kept. A row (a dict of column values) or a list of
    rows is copied by `dict` at C speed; anything else is walked by `_fresh`."""
    if _is_flat_row(answer):
        return dict
    if type(answer) is list and all(_is_flat_row(row) for row in answer):
        return _rows_copy
    return _fresh


def _key(value: Any) -> Any:
    return tuple(_key(item) for item in value) if isinstance(value, list | tuple) else value


# Each engine (each database) keeps its own remembered answers: a test's fresh database never sees another's. The
# engine itself is held (PostgreSQL's engine takes no weak reference), so its id cannot pass to a new one; a
# process has one engine, a test run one per test: only the last few are kept.
_REMEMBERED: OrderedDict[int, tuple[Engine, dict[str, OrderedDict]]] = OrderedDict()
_ENGINES_KEPT = 4


def _store_of(engine: Engine) -> dict[str, OrderedDict]:
    kept = _REMEMBERED.get(id(engine))
    if kept is None or kept[0] is not engine:
        kept = _REMEMBERED[id(engine)] = (engine, {})
        while len(_REMEMBERED) > _ENGINES_KEPT:
            _REMEMBERED.popitem(last=False)
    return kept[1]


def remembered(*names: str, size: int = 4096) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """For a read whose answer follows only from its (positional) arguments and the content counted under
    `names`: the answer is kept per process and given again while those counters stand still. Every call reads
    the counters (microseconds on SQLite, one small query on PostgreSQL; once for a whole reading request, see
    `held`) before anything else, so an answer is never older than the change the counters last saw; a change by
    any worker shows at the next call (the next request). Inside a
    transaction the read runs as written (what it sees may still be rolled back). At most `size` answers a read.
    """

    def decorate(read_rows: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        label = f"{read_rows.__module__}.{read_rows.__qualname__}"

        @functools.wraps(read_rows)
        async def remembering(*args: Any) -> T:
            engine = bound_engine()
            if engine.current_transaction.get() is not None:
                return await read_rows(*args)
            versions = await read(engine)
            key = (_key(args), tuple(versions.get(name, 0) for name in names))
            kept = _store_of(engine).setdefault(label, OrderedDict())
            if key in kept:
                kept.move_to_end(key)
                copy, value = kept[key]
                return copy(value)
            answer = await read_rows(*args)
            copy = _copier(answer)
            kept[key] = (copy, copy(answer))
            if len(kept) > size:
                kept.popitem(last=False)
            return answer

        return remembering

    return decorate
