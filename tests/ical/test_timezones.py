"""VTIMEZONE in the RRULE form Outlook reads, derived from zoneinfo's own rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events.ical.timezones import UnknownTimezone, parse_posix_tz, vtimezone

WHEN = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def blocks(component, name):
    return component.walk(name)


def test_amsterdam_has_one_daylight_and_one_standard_block_with_eu_rules():
    tz = vtimezone("Europe/Amsterdam", WHEN, WHEN)
    data = tz.to_ical()
    assert b"RDATE" not in data
    (daylight,) = blocks(tz, "DAYLIGHT")
    (standard,) = blocks(tz, "STANDARD")
    assert daylight["RRULE"]["BYMONTH"] == [3] and daylight["RRULE"]["BYDAY"] == ["-1SU"]
    assert standard["RRULE"]["BYMONTH"] == [10] and standard["RRULE"]["BYDAY"] == ["-1SU"]
    # DTSTART is the wall time before the change: 02:00 CET → 03:00 CEST, 03:00 CEST → 02:00 CET
    assert daylight["DTSTART"].dt == datetime(1996, 3, 31, 2, 0)
    assert standard["DTSTART"].dt == datetime(1996, 10, 27, 3, 0)  # the EU rule holds since 1996
    assert b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200" in data
    assert b"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100" in data
    assert str(standard["TZNAME"]) == "CET" and str(daylight["TZNAME"]) == "CEST"


def test_southern_hemisphere_and_us_rules():
    sydney = vtimezone("Australia/Sydney", WHEN, WHEN)
    assert blocks(sydney, "DAYLIGHT")[0]["RRULE"]["BYMONTH"] == [10]
    assert blocks(sydney, "STANDARD")[0]["RRULE"]["BYMONTH"] == [4]
    new_york = vtimezone("America/New_York", WHEN, WHEN)
    assert blocks(new_york, "DAYLIGHT")[0]["RRULE"]["BYDAY"] == ["2SU"]
    assert blocks(new_york, "STANDARD")[0]["RRULE"]["BYDAY"] == ["1SU"]


@pytest.mark.parametrize("zone, offset", [("Asia/Tokyo", b"+0900"), ("Asia/Kolkata", b"+0530"), ("Etc/GMT-2", b"+0200")])
def test_zones_without_dst_have_a_single_standard_block(zone, offset):
    tz = vtimezone(zone, WHEN, WHEN)
    assert not blocks(tz, "DAYLIGHT") and len(blocks(tz, "STANDARD")) == 1
    data = tz.to_ical()
    assert b"TZOFFSETFROM:" + offset in data and b"TZOFFSETTO:" + offset in data
    assert b"RRULE" not in data and b"RDATE" not in data


def test_a_rule_no_rrule_can_state_falls_back_to_the_exact_form_for_the_years_needed():
    # America/Nuuk changes on "the Saturday before the last Sunday at 23:00" (POSIX M3.5.0/-1)
    tz = vtimezone("America/Nuuk", WHEN, WHEN)
    standard_offsets = {str(b["TZOFFSETTO"].to_ical()) for b in blocks(tz, "STANDARD")}
    assert standard_offsets


def test_posix_strings():
    rule = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3")
    assert rule.std_offset == 3600 and rule.dst_offset == 7200
    assert rule.dst_start.on(2026) == datetime(2026, 3, 29, 2, 0)
    assert rule.dst_end.on(2026) == datetime(2026, 10, 25, 3, 0)
    assert parse_posix_tz("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45").std_offset == 12 * 3600 + 45 * 60
    assert parse_posix_tz("<-02>2<-01>,M3.5.0/-1,M10.5.0/0") is None


def test_unknown_zones_are_refused():
    for name in ("Mars/Olympus", "../../etc/passwd", ""):
        with pytest.raises(UnknownTimezone):
            vtimezone(name, WHEN, WHEN)
