"""Checks every .ics must pass, by two independent parsers (icalendar and vobject) and on the raw bytes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import icalendar
import vobject

from events.programme.tables import Event
from tests.conftest import home_organisation

REQUIRED_EVENT = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE")


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def check_bytes(data: bytes) -> None:
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "a bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "a bare CR"
    for number, line in enumerate(data.split(b"\r\n")):
        assert len(line) <= 75, f"line {number} has {len(line)} octets: {line!r}"
        line.decode("utf-8")  # raises on a character split by a fold
    for line in unfolded(data):
        if line.startswith(("DTSTAMP", "CREATED", "LAST-MODIFIED")):
            assert re.fullmatch(r"[A-Z-]+:\d{8}T\d{6}Z", line), line


def utc(value) -> datetime:
    assert isinstance(value, datetime) and value.tzinfo is not None, value
    return value.astimezone(UTC)


def check_calendar(data: bytes, method: str) -> tuple[icalendar.Calendar, object]:
    """Bytes, structure and method rules; returns both parsers' views. Every VEVENT's times agree between them."""
    check_bytes(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    assert str(calendar["METHOD"]) == method
    # vobject keeps the first VTIMEZONE it saw per TZID for the whole process: forget them, so it reads ours.
    getattr(vobject.icalendar, "__tzidMap").clear()
    vcal = vobject.readOne(data.decode("utf-8"))
    assert vcal.method.value == method

    timezones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    used = set()
    for line in unfolded(data):
        match = re.match(r"(DTSTART|DTEND|RECURRENCE-ID)[^:]*;TZID=([^;:]+)", line)
        if match:
            used.add(match.group(2))
    assert used <= set(timezones), f"TZID without VTIMEZONE: {used - set(timezones)}"
    assert set(timezones) <= used, "VTIMEZONE nobody uses"
    for tz in timezones.values():
        blocks = tz.walk("STANDARD") + tz.walk("DAYLIGHT")
        assert blocks
        assert not any(b.get("RDATE") for b in blocks), "VTIMEZONE written as RDATEs"
        if tz.walk("DAYLIGHT"):
            assert all(b.get("RRULE") for b in blocks), "STANDARD/DAYLIGHT without RRULE"
            assert len(tz.walk("DAYLIGHT")) == 1 and len(tz.walk("STANDARD")) == 1

    events = calendar.walk("VEVENT")
    v_events = vcal.contents.get("vevent", [])
    assert len(events) == len(v_events)
    by_uid = {v.uid.value: v for v in v_events}
    for event in events:
        for name in REQUIRED_EVENT:
            assert event.get(name) is not None, f"{name} missing"
        start, end = utc(event["DTSTART"].dt), utc(event["DTEND"].dt)
        assert end > start
        v = by_uid[str(event["UID"])]
        assert utc(v.dtstart.value) == start, (v.dtstart.value, start)
        assert utc(v.dtend.value) == end
        assert utc(event["DTSTAMP"].dt) == utc(v.dtstamp.value)
        if method in ("REQUEST", "CANCEL"):
            assert event.get("ORGANIZER") and str(event["ORGANIZER"]).startswith("mailto:")
            assert event.get("ATTENDEE")
            assert v.organizer.value.startswith("mailto:")
        if method == "CANCEL":
            assert str(event["STATUS"]) == "CANCELLED"
            assert not event.walk("VALARM")
            assert "valarm" not in v.contents
    return calendar, vcal


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


JOIN_URL = "https://meet.example.org/j/secret-room-4711"


async def make_event(organiser, **values) -> dict:
    row = {
        "slug": "weerbare-organisatie",
        "kind": "conference",
        "format": "hybrid",
        "status": "published",
        "title": "Weerbare organisatie — één dag over continuïteit",
        "summary": "Een digitale conferentie over de weerbare organisatie, met sprekers en een quiz.",
        "starts_at": datetime(2026, 12, 6, 8, 30, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 6, 16, 0, tzinfo=UTC),
        "timezone": "Europe/Amsterdam",
        "venue": "Jaarbeurs, Utrecht",
        "join_url": JOIN_URL,
        "reminder_minutes": "1440,15",
        "organiser": organiser.id,
        "contact_name": "Olga Organisator",
        "contact_email": "events@gemeente.nl",
        "sequence": 0,
    }
    row.update(values)
    event = Event(**row, organisation=await home_organisation(row["organiser"]))
    await event.save()
    return await Event.select().where(Event.id == event.id).first()
