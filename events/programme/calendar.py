"""The programme's public calendar files: the event download, the programme (one entry per session) and the
public feed. Events are read through PUBLIC_EVENT_COLUMNS: these files never carry the join URL."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

from events.ical import build
from events.ical.document import CalendarDocument
from events.ical.document import latest as _latest
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.programme import service as programme
from events.programme.tables import Event, EventKind, EventStatus, SessionSpeaker, SpeakerProfile

FEED_HISTORY = timedelta(days=180)  # past events stay in the feed this long, so calendars keep their history
FEED_LIMIT = 1000


async def event_download(slug: str, base_url: str, sender: str = "") -> CalendarDocument:
    event = await programme.with_organizer(await programme.require_public_event(slug), sender)
    return CalendarDocument(build.build_event_download(event, base_url), _latest([event]), f"{event['slug']}.ics")


async def programme_download(slug: str, base_url: str, sender: str = "") -> CalendarDocument:
    event = await programme.with_organizer(await programme.require_public_event(slug), sender)
    sessions = await programme.sessions_of(event["id"])
    if not sessions:
        raise NotFound(N_("This event has no programme yet"))
    speakers = await _speaker_names([s["id"] for s in sessions], event.get("organisation"))
    data = build.build_programme(event, sessions, speakers, base_url)
    # Sessions and speakers date their changes (deletions too) on the event's programme_updated_at.
    last_modified = _latest([event, *sessions], ("updated_at", "created_at", "programme_updated_at"))
    return CalendarDocument(data, last_modified, f"{event['slug']}-programme.ics")


async def _speaker_names(session_ids: list[int], organisation_id: int | None) -> dict[int, list[str]]:
    """Session id → speaker names in their order, as the event's organisation shows them (its speaker profiles,
    else the account's name); names only: speakers' addresses are not public."""
    rows = (
        await SessionSpeaker.select(
            SessionSpeaker.session, SessionSpeaker.speaker.as_alias("speaker"), SessionSpeaker.speaker.name.as_alias("name")
        )
        .where(SessionSpeaker.session.is_in(session_ids))
        .order_by(SessionSpeaker.position)
        .order_by(SessionSpeaker.id)
        if session_ids
        else []
    )
    shown = {
        profile["speaker"]: profile["name"]
        for profile in await SpeakerProfile.select(SpeakerProfile.speaker, SpeakerProfile.name).where(
            (SpeakerProfile.organisation == organisation_id) & SpeakerProfile.speaker.is_in([r["speaker"] for r in rows])
        )
    } if rows and organisation_id else {}
    names: dict[int, list[str]] = {}
    for row in rows:
        name = shown.get(row["speaker"]) or row["name"]
        if name:
            names.setdefault(row["session"], []).append(name)
    return names


async def feed_events(kind: str | None, now: datetime) -> list[dict[str, Any]]:
    """Published and cancelled events (cancelled ones stay, so subscribers see the cancellation), without join URL."""
    if kind is not None and kind not in tuple(EventKind):
        raise RuleViolation(N_("Unknown kind of event"), errors={"kind": N_("Choose conference, webinar or festival")})
    query = programme.public_events().where(
        Event.status.is_in([EventStatus.PUBLISHED, EventStatus.CANCELLED]), Event.ends_at >= now - FEED_HISTORY
    )
    if kind is not None:
        query = query.where(Event.kind == kind)
    return await query.order_by(Event.starts_at).order_by(Event.id).limit(FEED_LIMIT)


# Built feeds by a digest of everything that goes into them: icalendar needs ~2 ms per event, and calendar apps
# poll. Keyed by content, so a stale entry can never be served, whichever worker answers.
_FEED_CACHE: OrderedDict[str, bytes] = OrderedDict()
FEED_CACHE_SIZE = 16


def _cached_feed(events: list[dict[str, Any]], base_url: str, name: str, description: str, language: str) -> bytes:
    digest = hashlib.sha256(repr((events, base_url, name, description, language)).encode()).hexdigest()
    data = _FEED_CACHE.get(digest)
    if data is None:
        data = build.build_feed(events, base_url, name=name, description=description, language=language)
        _FEED_CACHE[digest] = data
        while len(_FEED_CACHE) > FEED_CACHE_SIZE:
            _FEED_CACHE.popitem(last=False)
    else:
        _FEED_CACHE.move_to_end(digest)
    return data


async def public_feed(
    kind: str | None, base_url: str, now: datetime, name: str, description: str, language: str, sender: str = "",
) -> CalendarDocument:
    events = await programme.with_organizers(await feed_events(kind, now), sender)
    data = _cached_feed(events, base_url, name, description, language)
    # An empty feed still needs a validator: the newest of nothing is the DTSTAMP-free file itself (ETag only).
    return CalendarDocument(data, _latest(events), "calendar.ics")
