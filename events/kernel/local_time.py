"""Local dates and times as people type them in forms and query strings, read in an event's time zone.

`2026-12-06T09:30` (a datetime-local input) or `2026-12-06 09:30` means 09:30 on the clock of that zone; a text
with an offset keeps it. Instants are returned in UTC, as the database stores them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def parse_local(value: Any, tz_name: str) -> datetime | None:
    """A moment from a datetime or an ISO 8601 text; without an offset it is read in `tz_name`.

    Returns None for empty input; raises ValueError for text that is no date and time.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz_name))
    return moment.astimezone(UTC)


def local_input(moment: datetime | None, tz_name: str) -> str:
    """The value a datetime-local input shows for this instant in the zone ("" for none)."""
    return moment.astimezone(ZoneInfo(tz_name)).strftime(INPUT_FORMAT) if moment else ""
