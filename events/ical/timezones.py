"""VTIMEZONE components written the way Outlook, Google and Apple all read them: one STANDARD and one DAYLIGHT
block with a yearly RRULE (or a single STANDARD block for zones without daylight saving time).

icalendar's `add_missing_timezones()` writes a zone as a long list of RDATEs, which Outlook is reported to
mishandle. The current rule of a zone is the POSIX TZ string at the end of its TZif file (RFC 8536 §3.3),
e.g. `CET-1CEST,M3.5.0,M10.5.0/3` for Europe/Amsterdam; we turn that into RRULEs and check it against zoneinfo's
own transitions, falling back to icalendar's exact (RDATE) form only for rules an RRULE cannot express.
"""

from __future__ import annotations

import calendar
import functools
import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu", "GMT", "Etc/GMT"})
_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX day 0 is Sunday


class UnknownTimezone(ValueError):
    """Not an IANA zone name zoneinfo knows."""


@dataclass(frozen=True)
class _Change:
    """One yearly change of a POSIX rule: `Mmonth.week.weekday/seconds` (week 5 = the last one)."""

    month: int
    week: int
    weekday: int  # 0 = Sunday
    seconds: int  # local wall time of the change, in the offset in force before it

    def on(self, year: int) -> datetime:
        """The wall-clock moment of this change in a year (naive, in the offset before it)."""
        first_weekday = (calendar.weekday(year, self.month, 1) + 1) % 7  # Python: Monday 0 → POSIX: Sunday 0
        day = 1 + (self.weekday - first_weekday) % 7 + 7 * (self.week - 1)
        last = calendar.monthrange(year, self.month)[1]
        while day > last:
            day -= 7
        return datetime(year, self.month, day) + timedelta(seconds=self.seconds)

    def rrule(self) -> vRecur:
        ordinal = -1 if self.week == 5 else self.week
        return vRecur({"FREQ": "YEARLY", "BYMONTH": [self.month], "BYDAY": [f"{ordinal}{_WEEKDAYS[self.weekday]}"]})


@dataclass(frozen=True)
class _Rule:
    std_name: str
    std_offset: int  # seconds east of UTC
    dst_name: str | None = None
    dst_offset: int | None = None
    dst_start: _Change | None = None
    dst_end: _Change | None = None


_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{1,2}(?::\d{1,2})?)?"
_POSIX = re.compile(
    rf"^(?P<std>{_NAME})(?P<stdoff>{_OFFSET})(?:(?P<dst>{_NAME})(?P<dstoff>{_OFFSET})?"
    rf"(?:,(?P<start>[^,]+),(?P<end>[^,]+))?)?$"
)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _change(text: str) -> _Change | None:
    date, _, time = text.partition("/")
    match = re.fullmatch(r"M(\d{1,2})\.(\d)\.(\d)", date)
    if match is None:  # Julian-day forms (Jn, n) have no weekday rule: no RRULE for them
        return None
    seconds = _seconds(time) if time else 7200
    if not 0 <= seconds < 24 * 3600:  # e.g. "M3.5.0/-1" (the day before): not expressible with BYDAY alone
        return None
    month, week, weekday = (int(g) for g in match.groups())
    return _Change(month, week, weekday, seconds)


def parse_posix_tz(text: str) -> _Rule | None:
    """A POSIX TZ string as a rule, or None when it uses a form an RRULE cannot say."""
    match = _POSIX.match(text.strip())
    if match is None:
        return None
    std_offset = -_seconds(match["stdoff"])  # POSIX offsets count west of Greenwich
    if not match["dst"]:
        return _Rule(match["std"].strip("<>"), std_offset)
    dst_offset = -_seconds(match["dstoff"]) if match["dstoff"] else std_offset + 3600
    if not match["start"]:  # DST named without a rule: POSIX default rules are not in use in tzdata
        return None
    start, end = _change(match["start"]), _change(match["end"])
    if start is None or end is None:
        return None
    return _Rule(match["std"].strip("<>"), std_offset, match["dst"].strip("<>"), dst_offset, start, end)


def _tzif(key: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*", key):
        raise UnknownTimezone(key)
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / key
        if path.is_file():
            return path.read_bytes()
    try:
        return (importlib.resources.files("tzdata.zoneinfo") / key).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise UnknownTimezone(key) from exc


def posix_rule_of(key: str) -> str:
    """The POSIX TZ footer of a zone's TZif file (version 2+): its rule for times after the last listed change."""
    data = _tzif(key)
    if not data.startswith(b"TZif"):
        raise UnknownTimezone(key)
    lines = data.rstrip(b"\n").rsplit(b"\n", 1)
    return lines[-1].decode("ascii") if len(lines) == 2 else ""


def is_utc(key: str) -> bool:
    return key in UTC_NAMES


def _offset_at(zone: zoneinfo.ZoneInfo, instant: datetime) -> int:
    return int(instant.astimezone(zone).utcoffset().total_seconds())


def _rule_holds(zone: zoneinfo.ZoneInfo, rule: _Rule, year: int) -> bool:
    """Does zoneinfo agree with the rule in this year (offsets between and on both sides of each change)?"""
    if rule.dst_start is None:
        return all(_offset_at(zone, datetime(year, m, 15, 12, tzinfo=UTC)) == rule.std_offset for m in (1, 4, 7, 10))
    checks = []
    for change, before, after in ((rule.dst_start, rule.std_offset, rule.dst_offset), (rule.dst_end, rule.dst_offset, rule.std_offset)):
        at_utc = (change.on(year) - timedelta(seconds=before)).replace(tzinfo=UTC)
        checks.append(_offset_at(zone, at_utc - timedelta(hours=1)) == before)
        checks.append(_offset_at(zone, at_utc) == after)
    return all(checks)


@functools.lru_cache(maxsize=256)
def _first_year_of_rule(key: str, rule: _Rule, upto: int) -> int:
    """The earliest year (≥ 1970) from which the rule has held every year up to `upto`."""
    zone = zoneinfo.ZoneInfo(key)
    year = upto
    while year > 1970 and _rule_holds(zone, rule, year - 1):
        year -= 1
    return year


def _block(kind: type, name: str, offset_from: int, offset_to: int, start: datetime, rrule: vRecur | None):
    block = kind()
    block.add("tzname", name)
    block.add("dtstart", start)
    block.add("tzoffsetfrom", timedelta(seconds=offset_from))
    block.add("tzoffsetto", timedelta(seconds=offset_to))
    if rrule is not None:
        block.add("rrule", rrule)
    return block


def vtimezone(key: str, first: datetime, last: datetime) -> Timezone:
    """The VTIMEZONE for an IANA zone, valid for instants from `first` to `last` (aware datetimes).

    Zones whose rule in those years an RRULE can state get RRULE blocks; any other zone (a rule that changed in
    the range, or a POSIX form like "the Saturday before the last Sunday at 23:00") gets icalendar's exact form.
    """
    try:
        zone = zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimezone(key) from exc
    rule = parse_posix_tz(posix_rule_of(key))
    years = range(first.astimezone(UTC).year - 1, last.astimezone(UTC).year + 2)
    if rule is None or not all(_rule_holds(zone, rule, y) for y in years):
        return Timezone.from_tzinfo(zone, tzid=key, first_date=first.date() - timedelta(days=366), last_date=last.date() + timedelta(days=366))

    since = _first_year_of_rule(key, rule, years[0])
    component = Timezone()
    component.add("tzid", key)
    if rule.dst_start is None:
        component.add_component(_block(TimezoneStandard, rule.std_name, rule.std_offset, rule.std_offset, datetime(since, 1, 1), None))
        return component
    component.add_component(
        _block(TimezoneDaylight, rule.dst_name, rule.std_offset, rule.dst_offset, rule.dst_start.on(since), rule.dst_start.rrule())
    )
    component.add_component(
        _block(TimezoneStandard, rule.std_name, rule.dst_offset, rule.std_offset, rule.dst_end.on(since), rule.dst_end.rrule())
    )
    return component
