"""Dates and times as Dutch government sites write them, and their English counterparts: the one formatter every
page, mail and invitation text uses (through the template filters in `kernel.templates`).

Dutch: "donderdag 20 januari 2028, 13.00 tot 15.00 uur", "6 december 2026", "9.30 uur" (24-hour clock, a full
stop between hours and minutes, "uur" once after a range). English: "Thursday 20 January 2028, 1–3 pm",
"6 December 2026", "9:30 am", "midday", "midnight". Never seconds. A range that ends at midnight after a start on
the same day ends at "24.00 uur" / "midnight" rather than on the next day.

Names of days and months come from babel (CLDR), so they follow each language's own rules.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

from events.kernel.i18n import LOCALES

DISPLAY_ZONE = "Europe/Amsterdam"  # where a moment without an event's zone is shown (the platform's home)


def _local(moment: datetime, tz: str | None) -> datetime:
    return moment.astimezone(ZoneInfo(tz or DISPLAY_ZONE))


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES["nl"])


def day(moment: datetime | date, language: str, tz: str | None = None, *, weekday: bool = False) -> str:
    """"6 december 2026" / "6 December 2026"; with `weekday` "zondag 6 december 2026" (a calendar date as is)."""
    pattern = "EEEE d MMMM y" if weekday else "d MMMM y"
    local = _local(moment, tz).date() if isinstance(moment, datetime) else moment
    return _written_date(local, pattern, _locale(language))


@lru_cache(maxsize=4096)
def _written_date(value: date, pattern: str, locale: str) -> str:
    """babel's writing of a date, kept: a page writes the same few dates again and again (babel parses the pattern
    and looks up the locale's names at every call: 4% of the manage page)."""
    return format_date(value, format=pattern, locale=locale)


def _clock_nl(local: datetime, *, end_of_day: bool = False) -> str:
    hour = 24 if end_of_day else local.hour
    return f"{hour}.{local.minute:02d}"


def _clock_en(local: datetime, *, end_of_day: bool = False, meridiem: bool = True) -> str:
    if local.minute == 0 and (end_of_day or local.hour == 0):
        return "midnight"
    if local.minute == 0 and local.hour == 12:
        return "midday"
    hour = local.hour % 12 or 12
    clock = str(hour) if local.minute == 0 else f"{hour}:{local.minute:02d}"
    return f"{clock} {_meridiem(local)}" if meridiem else clock


def _meridiem(local: datetime) -> str:
    return "am" if local.hour < 12 else "pm"


def clock(moment: datetime, language: str, tz: str | None = None) -> str:
    """A time of day alone: "13.00 uur" / "1 pm", "9.30 uur" / "9:30 am"."""
    local = _local(moment, tz)
    if language == "en":
        return _clock_en(local)
    return f"{_clock_nl(local)} uur"


def moment(value: datetime, language: str, tz: str | None = None, *, weekday: bool = True) -> str:
    """"donderdag 20 januari 2028, 13.00 uur" / "Thursday 20 January 2028, 1 pm"."""
    return f"{day(value, language, tz, weekday=weekday)}, {clock(value, language, tz)}"


def _ends_at_midnight_of(start: datetime, end: datetime) -> bool:
    return end.hour == 0 and end.minute == 0 and end.date() == start.date() + timedelta(days=1)


def hours(start: datetime, end: datetime, language: str, tz: str | None = None) -> str:
    """The times of a range on one day: "13.00 tot 15.00 uur" / "1–3 pm", "11 am–1 pm"."""
    first, last = _local(start, tz), _local(end, tz)
    end_of_day = _ends_at_midnight_of(first, last)
    if language == "en":
        named = {"midnight", "midday"}
        opening, closing = _clock_en(first), _clock_en(last, end_of_day=end_of_day)
        if opening not in named and closing not in named and _meridiem(first) == _meridiem(last):
            return f"{_clock_en(first, meridiem=False)}–{closing}"
        return f"{opening}–{closing}"
    return f"{_clock_nl(first)} tot {_clock_nl(last, end_of_day=end_of_day)} uur"


def period(start: datetime, end: datetime | None, language: str, tz: str | None = None) -> str:
    """When something happens: "donderdag 20 januari 2028, 13.00 tot 15.00 uur"; over several days
    "donderdag 20 januari 2028, 13.00 uur tot vrijdag 21 januari 2028, 15.00 uur" (English "… to …")."""
    if end is None:
        return moment(start, language, tz)
    first, last = _local(start, tz), _local(end, tz)
    if first.date() == last.date() or _ends_at_midnight_of(first, last):
        return f"{day(start, language, tz, weekday=True)}, {hours(start, end, language, tz)}"
    joiner = " to " if language == "en" else " tot "
    return f"{moment(start, language, tz)}{joiner}{moment(end, language, tz)}"
