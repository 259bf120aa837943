"""Publish-style files: `event.ics` (one event), `programme.ics` (its sessions), the public `calendar.ics` and a
participant's personal feed. Pure functions: rows in, bytes out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from icalendar import Event

from events.ical.build.calendar_file import CalendarFile, zone_name
from events.ical.build.components import (
    event_component,
    event_uid,
    event_url,
    host_of,
    organizer_address,
    publish_stamp,
    session_uid,
    translate,
)
from events.kernel.i18n import N_

FEED_REFRESH = timedelta(hours=1)


def build_event_download(event: Mapping[str, Any], base_url: str, language: str | None = None) -> bytes:
    """`event.ics`: the event as one VEVENT (PUBLISH). Public: no join URL."""
    calendar = CalendarFile("PUBLISH")
    component, tzid = event_component(event, base_url, public=True, stamp=publish_stamp(event), language=language)
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
    tzid = zone_name(event.get("timezone"))
    calendar = CalendarFile("PUBLISH", name=event["title"])
    stamp = publish_stamp(event)
    for session in sessions:
        component = session_component(event, session, speakers.get(session["id"]) or [], base_url, language, stamp)
        calendar.times(component, session["starts_at"], session["ends_at"], tzid)
        calendar.add(component)
    return calendar.to_bytes()


def session_component(
    event: Mapping[str, Any], session: Mapping[str, Any], names: list[str], base_url: str, language: str, stamp: datetime
) -> Event:
    """The VEVENT of one session (without times): its room at the event's venue, its speakers and abstract."""
    cancelled = event.get("status") == "cancelled"
    venue = (event.get("venue") or "").strip()
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
    if names:
        parts.append(translate(language, N_("Speakers: %(names)s"), names=", ".join(names)))
    if (session.get("abstract") or "").strip():
        parts.append(session["abstract"].strip())
    parts.append(translate(language, N_("Part of %(title)s: %(url)s"), title=event["title"], url=event_url(event, base_url)))
    component.add("description", "\n\n".join(parts))
    organizer = organizer_address(event)
    if organizer is not None:
        component.add("organizer", organizer)
    return component


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
        component, tzid = event_component(
            event, base_url, public=True, stamp=publish_stamp(event), language=language, alarms=False
        )
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
            stamp=publish_stamp(event, registration),
            language=language,
            uid=personal_uid(event, base_url),
            alarms=confirmed,
            extra_description=extra,
            status=status,
        )
        calendar.times(component, event["starts_at"], event["ends_at"], tzid)
        calendar.add(component)
    return calendar.to_bytes()


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
