"""Building .ics bytes with icalendar, from plain values: the wire format (`lines`), the VCALENDAR and its zones
(`calendar_file`), the pieces of a VEVENT (`components`) and the publish-style files (`feeds`). Invitations
(RFC 5546) are `events.ical.invitations`.

Rules every calendar file here follows (RFC 5545 / 5546 / 7986):
- DTSTART/DTEND carry the event's TZID and the calendar holds a VTIMEZONE (RRULE form) for every TZID used;
  an instant in the repeated hour of a DST change is written in UTC.
- DTSTAMP in UTC; CRLF line ends; lines folded at 75 octets between whole UTF-8 characters.
- Public files (download, programme, feed) never contain the join URL.
"""

from events.ical.build.calendar_file import PRODID, CalendarFile, in_utc, local_time, zone_name
from events.ical.build.components import (
    MAX_ALARM_MINUTES,
    MAX_ALARMS,
    MIN_ALARM_MINUTES,
    add_alarms,
    event_component,
    event_uid,
    event_url,
    host_of,
    location_of,
    manage_url,
    organizer_address,
    publish_stamp,
    reminder_minutes,
    session_uid,
    translate,
)
from events.ical.build.feeds import (
    FEED_REFRESH,
    build_event_download,
    build_feed,
    build_personal_feed,
    build_programme,
    etag_of,
    personal_uid,
    session_component,
)
from events.ical.build.lines import ensure_folded, fold_line

__all__ = [
    "FEED_REFRESH",
    "MAX_ALARMS",
    "MAX_ALARM_MINUTES",
    "MIN_ALARM_MINUTES",
    "PRODID",
    "CalendarFile",
    "add_alarms",
    "build_event_download",
    "build_feed",
    "build_personal_feed",
    "build_programme",
    "ensure_folded",
    "etag_of",
    "event_component",
    "event_uid",
    "event_url",
    "fold_line",
    "host_of",
    "in_utc",
    "local_time",
    "location_of",
    "manage_url",
    "organizer_address",
    "personal_uid",
    "publish_stamp",
    "reminder_minutes",
    "session_component",
    "session_uid",
    "translate",
    "zone_name",
]
