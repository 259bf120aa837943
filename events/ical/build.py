"""Building .ics bytes with icalendar: publish-style downloads and feeds (event, programme, the public feed, a
participant's personal feed) and the pieces invitations share with them. Pure functions: rows in, bytes out.

Rules every calendar file here follows (RFC 5545 / 5546 / 7986):
- DTSTART/DTEND carry the event's TZID and the calendar holds a VTIMEZONE (RRULE form) for every TZID used;
  an instant in the repeated hour of a DST change (the second 02:30 on the last Sunday of October in Amsterdam)
  is written in UTC, because RFC 5545 §3.3.5 reads an ambiguous local time as its FIRST occurrence.
- DTSTAMP in UTC; CRLF line ends; lines folded at 75 octets between whole UTF-8 characters.
- Public files (download, programme, feed) never contain the join URL: callers pass rows without it and
  `public=True` drops it even if it is there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vText

from events.ical import timezones

PRODID = "-//events//Weerbare overheid events 1.0//NL"
MAX_ALARMS = 5
MAX_ALARM_MINUTES = 4 * 7 * 24 * 60  # 28 days before the start


def N_(message: str) -> str:  # noqa: N802 - gettext marker; translated with the event's language below
    return message


def translate(language: str, message: str, **values: Any) -> str:
    # Imported here: the catalogs live with the web layer, but reading them needs no HTTP.
    from events.kernel.i18n import gettext_for

    return gettext_for(language if language in ("nl", "en") else "nl", message, **values)


def host_of(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def event_uid(event: Mapping[str, Any], base_url: str) -> str:
    """The one UID of an event in downloads, the public feed and every invitation: updates replace, not add."""
    return f"event-{event['id']}@{host_of(base_url)}"


def session_uid(session: Mapping[str, Any], base_url: str) -> str:
    return f"session-{session['id']}@{host_of(base_url)}"


def event_url(event: Mapping[str, Any], base_url: str) -> str:
    return f"{base_url.rstrip('/')}/events/{event['slug']}"


def manage_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/registrations/{token}"


def reminder_minutes(value: str | None) -> list[int]:
    """'1440,15' → [1440, 15]: positive whole minutes, at most a few, no duplicates; junk is ignored."""
    minutes: list[int] = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) <= MAX_ALARM_MINUTES and int(part) not in minutes:
            minutes.append(int(part))
    return minutes[:MAX_ALARMS]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # stored instants are UTC; a naive one from a test or SQLite is UTC too
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _zone(name: str | None) -> str:
    name = name or "Europe/Amsterdam"
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - an unknown zone must not break a calendar: fall back to UTC
        return "UTC"
    return name


def local_time(value: datetime, tzid: str) -> datetime:
    """The instant as the value to write: local time in the zone, or UTC when local time cannot say it
    unambiguously (the zone is UTC, or the instant is the second occurrence of a repeated hour)."""
    instant = _utc(value)
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
        if _utc(end) > _utc(start):  # RFC 5545: DTEND must be later; without one the entry is a moment
            component.add("dtend", end_value)
            values.append(end_value)
        for value in values:
            if value.tzinfo is not UTC:
                self._zones.setdefault(tzid, []).append(_utc(value))

    def add(self, component: Event) -> None:
        self.calendar.add_component(component)

    def to_bytes(self) -> bytes:
        for tzid, instants in sorted(self._zones.items()):
            self.calendar.add_component(timezones.vtimezone(tzid, min(instants), max(instants)))
        self._zones = {}
        return ensure_folded(self.calendar.to_ical())


def ensure_folded(data: bytes, limit: int = 75) -> bytes:
    """CRLF line ends and no line over `limit` octets, folded only between whole UTF-8 characters.

    icalendar 7 already folds this way; this checks the bytes and refolds only if a version ever regresses,
    because a split UTF-8 character shows as U+FFFD in Outlook and a bare LF breaks strict parsers."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if all(len(line) <= limit and _whole_utf8(line) for line in lines):
        return b"\r\n".join(lines) + b"\r\n"
    logical: list[bytes] = []
    for raw in lines:
        if raw[:1] in (b" ", b"\t") and logical:
            logical[-1] += raw[1:]
        elif raw:
            logical.append(raw)
    return b"".join(fold_line(line.decode("utf-8"), limit) for line in logical)


def _whole_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def fold_line(text: str, limit: int = 75) -> bytes:
    """One content line folded at `limit` octets between characters, never right after a backslash (some
    clients mis-read an escape such as `\\,` split over two lines)."""
    out: list[bytes] = []
    chunk: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode("utf-8"))
        room = limit if not out else limit - 1  # continuation lines start with one space
        if chunk and size + width > room:
            carry = [chunk.pop()] if len(chunk) > 1 and chunk[-1] == "\\" else []
            out.append((b" " if out else b"") + "".join(chunk).encode("utf-8"))
            chunk, size = carry, sum(len(c.encode("utf-8")) for c in carry)
        chunk.append(char)
        size += width
    out.append((b" " if out else b"") + "".join(chunk).encode("utf-8"))
    return b"\r\n".join(out) + b"\r\n"


def add_alarms(component: Event, event: Mapping[str, Any], language: str) -> None:
    for minutes in reminder_minutes(event.get("reminder_minutes")):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", translate(language, N_("Reminder: %(title)s"), title=event["title"]))
        alarm.add("trigger", timedelta(minutes=-minutes))
        component.add_component(alarm)


def organizer_address(event: Mapping[str, Any]) -> vCalAddress | None:
    email = (event.get("contact_email") or "").strip()
    if not email:
        return None
    address = vCalAddress(f"mailto:{email}")
    name = (event.get("contact_name") or "").strip()
    if name:
        address.params["CN"] = vText(name)
    return address


def location_of(event: Mapping[str, Any], language: str, public: bool) -> str:
    venue = (event.get("venue") or "").strip()
    if event.get("format") == "online":
        join_url = "" if public else (event.get("join_url") or "").strip()
        return join_url or translate(language, N_("Online"))
    if event.get("format") == "hybrid" and not venue:
        return translate(language, N_("Online"))
    return venue


def event_component(
    event: Mapping[str, Any],
    base_url: str,
    *,
    public: bool,
    stamp: datetime,
    language: str | None = None,
    uid: str | None = None,
    alarms: bool = True,
    extra_description: Iterable[str] = (),
    status: str | None = None,
) -> tuple[Event, str]:
    """The VEVENT of a whole event (without times, which `CalendarFile.times` adds) and its TZID."""
    language = language or event.get("language") or "nl"
    tzid = _zone(event.get("timezone"))
    component = Event()
    component.add("uid", uid or event_uid(event, base_url))
    component.add("dtstamp", _utc(stamp))
    component.add("summary", event["title"])
    component.add("sequence", int(event.get("sequence") or 0))
    cancelled = event.get("status") == "cancelled"
    component.add("status", status or ("CANCELLED" if cancelled else "CONFIRMED"))
    component.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    component.add("class", "PUBLIC")
    if event.get("created_at"):
        component.add("created", _utc(event["created_at"]))
    if event.get("updated_at"):
        component.add("last-modified", _utc(event["updated_at"]))
    location = location_of(event, language, public)
    if location:
        component.add("location", location)
    page = event_url(event, base_url)
    join_url = "" if public else (event.get("join_url") or "").strip()
    if join_url and event.get("format") in ("online", "hybrid"):
        component.add("url", join_url)
        component.add(
            "conference",
            join_url,
            parameters={"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"], "LABEL": translate(language, N_("Join online"))},
        )
    else:
        component.add("url", page)
    if event.get("kind"):
        component.add("categories", [event["kind"]])
    organizer = organizer_address(event)
    if organizer is not None:
        component.add("organizer", organizer)
    parts = []
    if cancelled:
        parts.append(translate(language, N_("This event has been cancelled.")))
    if (event.get("summary") or "").strip():
        parts.append(event["summary"].strip())
    if join_url:
        parts.append(translate(language, N_("Join online: %(url)s"), url=join_url))
    parts.extend(extra_description)
    parts.append(translate(language, N_("More information: %(url)s"), url=page))
    component.add("description", "\n\n".join(parts))
    if alarms and not cancelled:
        add_alarms(component, event, language)
    return component, tzid


def build_event_download(event: Mapping[str, Any], base_url: str, language: str | None = None) -> bytes:
    """`event.ics`: the event as one VEVENT (PUBLISH). Public: no join URL."""
    calendar = CalendarFile("PUBLISH")
    component, tzid = event_component(event, base_url, public=True, stamp=_stamp(event), language=language)
    calendar.times(component, event["starts_at"], event["ends_at"], tzid)
    calendar.add(component)
    return calendar.to_bytes()


def build_programme(
    event: Mapping[str, Any],
    sessions: Iterable[Mapping[str, Any]],
    speakers: Mapping[int, list[str]],
    base_url: str,
    language: str | None = None,
) -> bytes:
    """`programme.ics`: one VEVENT per session in the event's timezone (PUBLISH). `speakers`: session id → names."""
    language = language or event.get("language") or "nl"
    tzid = _zone(event.get("timezone"))
    calendar = CalendarFile("PUBLISH", name=event["title"])
    cancelled = event.get("status") == "cancelled"
    stamp = _stamp(event)
    venue = (event.get("venue") or "").strip()
    for session in sessions:
        component = Event()
        component.add("uid", session_uid(session, base_url))
        component.add("dtstamp", stamp)
        component.add("summary", session["title"])
        component.add("sequence", int(event.get("sequence") or 0))
        component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        component.add("transp", "TRANSPARENT" if cancelled or session.get("kind") == "break" else "OPAQUE")
        component.add("class", "PUBLIC")
        place = ", ".join(p for p in ((session.get("room") or "").strip(), venue if event.get("format") != "online" else "") if p)
        if place:
            component.add("location", place)
        elif event.get("format") in ("online", "hybrid"):
            component.add("location", translate(language, N_("Online")))
        component.add("url", f"{event_url(event, base_url)}#session-{session['id']}")
        component.add("categories", [c for c in (session.get("kind"), (session.get("track") or "").strip()) if c])
        parts = []
        if cancelled:
            parts.append(translate(language, N_("This event has been cancelled.")))
        names = speakers.get(session["id"]) or []
        if names:
            parts.append(translate(language, N_("Speakers: %(names)s"), names=", ".join(names)))
        if (session.get("abstract") or "").strip():
            parts.append(session["abstract"].strip())
        parts.append(translate(language, N_("Part of %(title)s: %(url)s"), title=event["title"], url=event_url(event, base_url)))
        component.add("description", "\n\n".join(parts))
        organizer = organizer_address(event)
        if organizer is not None:
            component.add("organizer", organizer)
        calendar.times(component, session["starts_at"], session["ends_at"], tzid)
        calendar.add(component)
    return calendar.to_bytes()


FEED_REFRESH = timedelta(hours=1)


def build_feed(
    events: Iterable[Mapping[str, Any]], base_url: str, name: str, description: str | None = None, language: str = "nl"
) -> bytes:
    """`calendar.ics`: published (and cancelled, STATUS:CANCELLED) events, one VEVENT each, no join URLs."""
    calendar = CalendarFile("PUBLISH", name=name, description=description)
    calendar.refresh_every(FEED_REFRESH)
    seen: set[str] = set()
    for event in events:
        uid = event_uid(event, base_url)
        if uid in seen:
            continue
        seen.add(uid)
        component, tzid = event_component(event, base_url, public=True, stamp=_stamp(event), language=language, alarms=False)
        calendar.times(component, event["starts_at"], event["ends_at"], tzid)
        calendar.add(component)
    return calendar.to_bytes()


def personal_uid(event: Mapping[str, Any], base_url: str) -> str:
    # Not the invitation's UID: the feed is a calendar of its own, and a UID already in the participant's main
    # calendar (from the invite) makes some clients move or merge the meeting between calendars.
    return f"event-{event['id']}-personal@{host_of(base_url)}"


def build_personal_feed(
    entries: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    base_url: str,
    manage_link: Callable[[Mapping[str, Any]], str | None],
    name: str,
    language: str = "nl",
) -> bytes:
    """A participant's private feed: (event with join URL, registration) pairs. The join URL only for confirmed
    registrations; waiting-list and pending ones are TENTATIVE; cancelled events stay with STATUS:CANCELLED."""
    calendar = CalendarFile("PUBLISH", name=name)
    calendar.refresh_every(FEED_REFRESH)
    for event, registration in entries:
        confirmed = registration.get("status") == "confirmed"
        extra = []
        if registration.get("status") == "waitlisted":
            extra.append(translate(language, N_("You are on the waiting list.")))
        elif registration.get("status") == "pending":
            extra.append(translate(language, N_("Your registration awaits the organiser's approval.")))
        link = manage_link(registration)
        if link:
            extra.append(translate(language, N_("View or cancel your registration: %(url)s"), url=link))
        status = None if confirmed or event.get("status") == "cancelled" else "TENTATIVE"
        component, tzid = event_component(
            event,
            base_url,
            public=not confirmed,
            stamp=_stamp(event, registration),
            language=language,
            uid=personal_uid(event, base_url),
            alarms=confirmed,
            extra_description=extra,
            status=status,
        )
        calendar.times(component, event["starts_at"], event["ends_at"], tzid)
        calendar.add(component)
    return calendar.to_bytes()


def _stamp(*rows: Mapping[str, Any]) -> datetime:
    """DTSTAMP of publish-style files: when the data last changed (not "now"), so the same data gives the same
    bytes — a stable ETag across workers — and clients see a new stamp exactly when something changed."""
    stamps = [_utc(row[key]) for row in rows for key in ("updated_at", "created_at") if row.get(key)]
    return max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC)


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
