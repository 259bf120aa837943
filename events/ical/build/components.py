"""The pieces every calendar file here is made of: UIDs and addresses, alarms, ORGANIZER, LOCATION and the VEVENT
of a whole event, in the event's language.

Public files (download, programme, feed) never contain the join URL: callers pass rows without it and
`public=True` drops it even if it is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from icalendar import Alarm, Event, vCalAddress, vText

from events.ical.build.calendar_file import in_utc, zone_name
from events.kernel.i18n import LANGUAGES, N_, gettext_for

MAX_ALARMS = 5
MAX_ALARM_MINUTES = 4 * 7 * 24 * 60  # 28 days before the start
MIN_ALARM_MINUTES = 10  # the shortest reminder: a mail must still reach the participant before the start


def translate(language: str, message: str, **values: Any) -> str:
    """A message in the calendar's language (Dutch for a language we do not have)."""
    return gettext_for(language if language in LANGUAGES else "nl", message, **values)


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
        if part.isdigit() and MIN_ALARM_MINUTES <= int(part) <= MAX_ALARM_MINUTES and int(part) not in minutes:
            minutes.append(int(part))
    return minutes[:MAX_ALARMS]


def publish_stamp(*rows: Mapping[str, Any]) -> datetime:
    """DTSTAMP of publish-style files: when the data last changed (not "now"), so the same data gives the same
    bytes — a stable ETag across workers — and clients see a new stamp exactly when something changed."""
    stamps = [in_utc(row[key]) for row in rows for key in ("updated_at", "created_at") if row.get(key)]
    return max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC)


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
    component = Event()
    component.add("uid", uid or event_uid(event, base_url))
    component.add("dtstamp", in_utc(stamp))
    component.add("summary", event["title"])
    component.add("sequence", int(event.get("sequence") or 0))
    cancelled = event.get("status") == "cancelled"
    component.add("status", status or ("CANCELLED" if cancelled else "CONFIRMED"))
    component.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    component.add("class", "PUBLIC")
    if event.get("created_at"):
        component.add("created", in_utc(event["created_at"]))
    if event.get("updated_at"):
        component.add("last-modified", in_utc(event["updated_at"]))
    location = location_of(event, language, public)
    if location:
        component.add("location", location)
    join_url = "" if public else (event.get("join_url") or "").strip()
    _add_address(component, event, base_url, join_url, language)
    if event.get("kind"):
        component.add("categories", [event["kind"]])
    organizer = organizer_address(event)
    if organizer is not None:
        component.add("organizer", organizer)
    component.add("description", _description(event, base_url, join_url, language, extra_description))
    if alarms and not cancelled:
        add_alarms(component, event, language)
    return component, zone_name(event.get("timezone"))


def _add_address(component: Event, event: Mapping[str, Any], base_url: str, join_url: str, language: str) -> None:
    """URL (and CONFERENCE, RFC 7986): the join URL of an online or hybrid event, else the event's page."""
    if join_url and event.get("format") in ("online", "hybrid"):
        component.add("url", join_url)
        component.add(
            "conference",
            join_url,
            parameters={"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"], "LABEL": translate(language, N_("Join online"))},
        )
    else:
        component.add("url", event_url(event, base_url))


def _description(
    event: Mapping[str, Any], base_url: str, join_url: str, language: str, extra: Iterable[str]
) -> str:
    parts = []
    if event.get("status") == "cancelled":
        parts.append(translate(language, N_("This event has been cancelled.")))
    if (event.get("summary") or "").strip():
        parts.append(event["summary"].strip())
    if join_url:
        parts.append(translate(language, N_("Join online: %(url)s"), url=join_url))
    parts.extend(extra)
    parts.append(translate(language, N_("More information: %(url)s"), url=event_url(event, base_url)))
    return "\n\n".join(parts)
