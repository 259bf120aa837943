"""The one date and time formatter: Dutch as government sites write it, English as British sites do; no seconds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from events.kernel import writing

AMS = "Europe/Amsterdam"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_dutch_event_period_day_and_moment():
    # Thursday 20 January 2028, 13.00–15.00 in Amsterdam (CET = UTC+1).
    start, end = utc(2028, 1, 20, 12), utc(2028, 1, 20, 14)
    assert writing.period(start, end, "nl", AMS) == "donderdag 20 januari 2028, 13.00 tot 15.00 uur"
    assert writing.day(utc(2026, 12, 6, 10), "nl", AMS) == "6 december 2026"
    assert writing.moment(utc(2026, 12, 6, 8, 30), "nl", AMS) == "zondag 6 december 2026, 9.30 uur"
    assert writing.clock(utc(2026, 12, 6, 8, 30, 45), "nl", AMS) == "9.30 uur"  # seconds never shown


def test_english_event_period_day_and_moment():
    start, end = utc(2028, 1, 20, 12), utc(2028, 1, 20, 14)
    assert writing.period(start, end, "en", AMS) == "Thursday 20 January 2028, 1–3 pm"
    assert writing.day(utc(2026, 12, 6, 10), "en", AMS) == "6 December 2026"
    assert writing.moment(utc(2026, 12, 6, 8, 30, 59), "en", AMS) == "Sunday 6 December 2026, 9:30 am"
    assert writing.hours(utc(2028, 1, 20, 10), utc(2028, 1, 20, 12, 30), "en", AMS) == "11 am–1:30 pm"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", ["0.00 uur", "12.00 uur", "22.00 tot 24.00 uur", "11.00 tot 12.00 uur"]),
     ("en", ["midnight", "midday", "11 pm–midnight", "midday–1 pm"])],
)
def test_midnight_and_noon(language, expected):
    midnight, noon = utc(2026, 12, 5, 23), utc(2026, 12, 6, 11)  # 00.00 and 12.00 on 6 December in Amsterdam
    assert writing.clock(midnight, language, AMS) == expected[0]
    assert writing.clock(noon, language, AMS) == expected[1]
    late = (utc(2026, 12, 6, 21), utc(2026, 12, 6, 23)) if language == "nl" else (utc(2026, 12, 6, 22), utc(2026, 12, 6, 23))
    assert writing.hours(*late, language, AMS) == expected[2]
    # A range that ends at midnight stays on its own day.
    assert writing.period(*late, language, AMS).startswith("zondag 6 december 2026" if language == "nl" else "Sunday 6")
    around_noon = (utc(2026, 12, 6, 10), noon) if language == "nl" else (noon, utc(2026, 12, 6, 12))
    assert writing.hours(*around_noon, language, AMS) == expected[3]


def test_daylight_saving_days_show_the_clock_of_that_moment():
    # 29 March 2026: clocks go from 2.00 to 3.00 in Amsterdam. 00:30 UTC is 1.30 CET, 01:30 UTC is 3.30 CEST.
    assert writing.period(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), "nl", AMS) == (
        "zondag 29 maart 2026, 1.30 tot 3.30 uur"
    )
    # 25 October 2026: clocks go back from 3.00 to 2.00; 00:30 UTC (2.30 CEST) and 01:30 UTC (2.30 CET).
    assert writing.clock(utc(2026, 10, 25, 0, 30), "nl", AMS) == "2.30 uur"
    assert writing.clock(utc(2026, 10, 25, 1, 30), "nl", AMS) == "2.30 uur"
    assert writing.period(utc(2026, 10, 24, 22), utc(2026, 10, 25, 6), "en", AMS) == "Sunday 25 October 2026, midnight–7 am"


def test_several_days_and_calendar_dates():
    start, end = utc(2028, 1, 20, 12), utc(2028, 1, 21, 14)
    assert writing.period(start, end, "nl", AMS) == (
        "donderdag 20 januari 2028, 13.00 uur tot vrijdag 21 januari 2028, 15.00 uur"
    )
    assert writing.period(start, end, "en", AMS) == "Thursday 20 January 2028, 1 pm to Friday 21 January 2028, 3 pm"
    assert writing.day(date(2026, 12, 6), "nl", weekday=True) == "zondag 6 december 2026"
    # Without an event's zone a moment is shown on the platform's clock (Amsterdam), not in UTC.
    assert writing.clock(utc(2026, 7, 1, 23, 15), "nl") == "1.15 uur"


def test_the_browser_journeys_scanner_finds_times_with_seconds_in_text_only():
    from tests.e2e.conftest import times_with_seconds

    assert times_with_seconds("<p>Gestart om 09:30:00</p>") == ["09:30:00"]
    assert times_with_seconds('<time datetime="2026-12-06T09:30:00+01:00">zondag 6 december 2026, 9.30 uur</time>') == []
    assert times_with_seconds("<script>var t = '10:00:00';</script><p>13.00 tot 15.00 uur</p>") == []
