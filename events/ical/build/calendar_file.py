"""One VCALENDAR being written: its header, the instants of its components in their zone's local time, and a
VTIMEZONE (RRULE form) for every TZID it uses.

DTSTART/DTEND carry the event's TZID; an instant in the repeated hour of a DST change (the second 02:30 on the
last Sunday of October in Amsterdam) is written in UTC, because RFC 5545 §3.3.5 reads an ambiguous local time as
its FIRST occurrence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

from events.ical import timezones
from events.ical.build.lines import ensure_folded

PRODID = "-//events//Weerbare overheid events 1.0//NL"


def in_utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # stored instants are UTC; a naive one from a test or SQLite is UTC too
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def zone_name(name: str | None) -> str:
    """The event's zone, Europe/Amsterdam when it has none, UTC when zoneinfo does not know it."""
    name = name or "Europe/Amsterdam"
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - an unknown zone must not break a calendar: fall back to UTC
        return "UTC"
    return name


def local_time(value: datetime, tzid: str) -> datetime:
    """The instant as the value to write: local time in the zone, or UTC when local time cannot say it
    unambiguously (the zone is UTC, or the instant is the second occurrence of a repeated hour)."""
    instant = in_utc(value)
    if timezones.is_utc(tzid):
        return instant
    local = instant.astimezone(ZoneInfo(tzid))
    if local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset():
        return instant  # RFC 5545 §3.3.5: a TZID local time in the repeated hour means the first one
    return local


class CalendarFile:
    """One VCALENDAR being written: remembers the TZIDs and the range of instants so each gets a VTIMEZONE."""

    def __init__(self, method: str | None, name: str | None = None, description: str | None = None):
        self.calendar = Calendar()
        self.calendar.add("prodid", PRODID)
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        if method:
            self.calendar.add("method", method)
        if name:
            self.calendar.add("name", name)  # RFC 7986
            self.calendar.add("x-wr-calname", name)  # Outlook, Google and Apple read this one
        if description:
            self.calendar.add("description", description)
            self.calendar.add("x-wr-caldesc", description)
        self._zones: dict[str, list[datetime]] = {}

    def refresh_every(self, interval: timedelta) -> None:
        self.calendar.add("refresh-interval", interval, parameters={"VALUE": "DURATION"})  # RFC 7986
        self.calendar.add("x-published-ttl", vDuration(interval))  # Outlook and Apple

    def times(self, component: Event, start: datetime, end: datetime, tzid: str) -> None:
        start_value, end_value = local_time(start, tzid), local_time(end, tzid)
        component.add("dtstart", start_value)
        values = [start_value]
        if in_utc(end) > in_utc(start):  # RFC 5545: DTEND must be later; without one the entry is a moment
            component.add("dtend", end_value)
            values.append(end_value)
        for value in values:
            if value.tzinfo is not UTC:
                self._zones.setdefault(tzid, []).append(in_utc(value))

    def add(self, component: Event) -> None:
        self.calendar.add_component(component)

    def to_bytes(self) -> bytes:
        for tzid, instants in sorted(self._zones.items()):
            self.calendar.add_component(timezones.vtimezone(tzid, min(instants), max(instants)))
        self._zones = {}
        return ensure_folded(self.calendar.to_ical())
