"""Time zones of events: the default, the ones the event form offers, and which names are real IANA zones."""

from __future__ import annotations

import zoneinfo
from functools import cache

DEFAULT_TIMEZONE = "Europe/Amsterdam"
# Offered in the event form; any other IANA name may be typed in.
COMMON_TIMEZONES = (
    "Europe/Amsterdam", "Europe/Brussels", "Europe/London", "Europe/Berlin", "America/Curacao", "America/Aruba",
    "America/Kralendijk", "America/Paramaribo", "UTC",
)


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_timezone(name: str) -> bool:
    """Only names of the IANA database (never a path such as ../../etc/passwd) that load as a zone."""
    if name not in _known_timezones():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
