"""Content versions: one counter per kind of public content, bumped by database triggers in the same transaction
as every insert, update or delete of the tables that show it (migrations `programme …content_versions` and
`resources …content_versions` install them). A cached public answer is keyed on the counters it depends on, read
from the database at each request, so every worker sees a change at the next request and no code path can forget
to invalidate.

- `programme`: events, sessions, session speakers, users (speakers' names and bios), organisations
- `library`: the resource library and its links to events and sessions
"""

from __future__ import annotations

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

TABLE = "content_version"
PROGRAMME = "programme"
LIBRARY = "library"


async def read(engine: Engine) -> dict[str, int]:
    """Every counter, in one small query (a table of a few rows)."""
    rows = await engine.run_querystring(QueryString(f"SELECT name, version FROM {TABLE}"))
    return {row["name"]: row["version"] for row in rows}
