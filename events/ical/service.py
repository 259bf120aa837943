"""The calendar's rules: which rows go into which .ics, and who may read a private one.

Public files read events through the programme's PUBLIC_EVENT_COLUMNS (never the join URL). Private files
(invitation, personal feed) are reached only through a registration's secret: the manage token, or the personal
feed key derived from it, which can read but never cancel.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events.errors import NotFound, RuleViolation
from events.ical import build
from events.ical.invitations import build_invitation
from events.programme import service as programme
from events.programme.tables import Event, SessionSpeaker
from events.tokens import same_secret

FEED_HISTORY = timedelta(days=180)  # past events stay in the feed this long, so calendars keep their history
FEED_LIMIT = 1000
CURRENT_STATUSES = ("confirmed", "waitlisted", "pending")


def N_(message: str) -> str:  # noqa: N802 - gettext marker; services do not import the web layer
    return message


@dataclass(frozen=True)
class CalendarDocument:
    """Bytes of one .ics and what conditional GET needs."""

    data: bytes
    last_modified: datetime | None
    filename: str

    @property
    def etag(self) -> str:
        return build.etag_of(self.data)


def _latest(rows: list[dict[str, Any]], keys: tuple[str, ...] = ("updated_at", "created_at")) -> datetime | None:
    stamps = [build._utc(r[k]) for r in rows for k in keys if r.get(k)]
    return max(stamps) if stamps else None


async def event_download(slug: str, base_url: str) -> CalendarDocument:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    return CalendarDocument(build.build_event_download(event, base_url), _latest([event]), f"{event['slug']}.ics")


async def programme_download(slug: str, base_url: str) -> CalendarDocument:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    sessions = await programme.sessions_of(event["id"])
    if not sessions:
        raise NotFound(N_("This event has no programme yet"))
    speakers = await _speaker_names([s["id"] for s in sessions])
    data = build.build_programme(event, sessions, speakers, base_url)
    # Sessions and speakers date their changes (deletions too) on the event's programme_updated_at.
    last_modified = _latest([event, *sessions], ("updated_at", "created_at", "programme_updated_at"))
    return CalendarDocument(data, last_modified, f"{event['slug']}-programme.ics")


async def _speaker_names(session_ids: list[int]) -> dict[int, list[str]]:
    """Session id → speaker names in their order, in one query (names only: speakers' addresses are not public)."""
    rows = (
        await SessionSpeaker.select(SessionSpeaker.session, SessionSpeaker.speaker.name.as_alias("name"))
        .where(SessionSpeaker.session.is_in(session_ids))
        .order_by(SessionSpeaker.position)
        .order_by(SessionSpeaker.id)
        if session_ids
        else []
    )
    names: dict[int, list[str]] = {}
    for row in rows:
        if row["name"]:
            names.setdefault(row["session"], []).append(row["name"])
    return names


async def feed_events(kind: str | None, now: datetime) -> list[dict[str, Any]]:
    """Published and cancelled events (cancelled ones stay, so subscribers see the cancellation), without join URL."""
    if kind is not None and kind not in programme.KINDS:
        raise RuleViolation(N_("Unknown kind of event"), errors={"kind": N_("Choose conference, webinar or festival")})
    query = Event.select(*programme.PUBLIC_EVENT_COLUMNS).where(
        Event.status.is_in(["published", "cancelled"]), Event.ends_at >= now - FEED_HISTORY
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


async def public_feed(kind: str | None, base_url: str, now: datetime, name: str, description: str, language: str) -> CalendarDocument:
    events = await feed_events(kind, now)
    data = _cached_feed(events, base_url, name, description, language)
    # An empty feed still needs a validator: the newest of nothing is the DTSTAMP-free file itself (ETag only).
    return CalendarDocument(data, _latest(events), "calendar.ics")


# -- private: reached through a registration's secret ---------------------------------------------------------


async def registration_by_token(token: str) -> dict[str, Any] | None:
    from events.registration.service import registration_by_token  # the registration domain owns the token

    return await registration_by_token(token)


def feed_key(registration: dict[str, Any], secret_key: str) -> str:
    """The personal feed's secret: `<id>-<HMAC>`. Derived from the stored token hash, so it never reveals the manage
    token (a calendar server that fetches the feed cannot cancel), and a new manage token retires old feed links."""
    mac = hmac.new(secret_key.encode(), f"ical-feed:{registration['id']}:{registration['token_hash']}".encode(), hashlib.sha256)
    return f"{registration['id']}-{mac.hexdigest()[:40]}"


async def registration_by_feed_key(key: str, secret_key: str) -> dict[str, Any] | None:
    from events.registration.tables import Registration

    head, _, _mac = key.partition("-")
    if not head.isdigit() or len(key) > 100:
        return None
    row = await Registration.select().where(Registration.id == int(head)).first()
    if row is None or not same_secret(feed_key(row, secret_key), key):
        return None
    return row


def invitation_method(event: dict[str, Any], registration: dict[str, Any]) -> str | None:
    """REQUEST for a confirmed place in a live event, CANCEL once either is cancelled, None otherwise (waiting list,
    awaiting approval, rejected: there is no meeting to put in a calendar yet)."""
    if registration["status"] in ("cancelled", "rejected") or event["status"] == "cancelled":
        return "CANCEL" if registration["status"] != "rejected" else None
    if registration["status"] == "confirmed":
        return "REQUEST"
    return None


async def organiser_contact(event: dict[str, Any]) -> tuple[str | None, str | None]:
    """The organiser's account address: ORGANIZER when the event has no contact address (never a no-reply)."""
    from events.accounts.tables import User

    user = await User.select(User.email, User.name).where(User.id == event["organiser"]).first()
    return (user["email"], user["name"]) if user else (None, None)


async def invitation_for(event: dict[str, Any], registration: dict[str, Any], method: str, base_url: str, now: datetime, manage_token: str | None) -> bytes:
    """build_invitation with the ORGANIZER fallback filled in: what mails and the manage page both send."""
    email, name = (None, None)
    if not (event.get("contact_email") or "").strip():
        email, name = await organiser_contact(event)
    return build_invitation(
        event, registration, method, base_url, now, manage_token=manage_token, organiser_email=email, organiser_name=name
    )


async def invitation_download(token: str, base_url: str, now: datetime) -> CalendarDocument:
    registration = await registration_by_token(token)
    if registration is None:
        raise NotFound(N_("This link is not valid (any more)."))
    event = await programme.event_by_id(registration["event"])
    if event is None or event["status"] == "draft":
        raise NotFound(N_("This link is not valid (any more)."))
    method = invitation_method(event, registration)
    if method is None:
        raise NotFound(N_("There is no calendar invitation until your place is confirmed."))
    data = await invitation_for(event, registration, method, base_url, now, token)
    return CalendarDocument(data, None, "invite.ics")


async def personal_feed(key: str, base_url: str, secret_key: str, name: str) -> CalendarDocument:
    """Every current registration of the e-mail address behind this key, with its event (join URL only when
    confirmed). Cancelled registrations leave the feed; a cancelled event stays, marked CANCELLED."""
    from events.registration.tables import Registration

    anchor = await registration_by_feed_key(key, secret_key)
    if anchor is None or not anchor.get("email_normalised"):
        raise NotFound(N_("This link is not valid (any more)."))
    rows = await Registration.select().where(
        (Registration.email_normalised == anchor["email_normalised"]) & Registration.status.is_in(list(CURRENT_STATUSES))
    ).order_by(Registration.id)
    entries = []
    for registration in rows:
        event = await programme.event_by_id(registration["event"])
        if event is not None and event["status"] != "draft":
            entries.append((event, registration))
    entries.sort(key=lambda pair: (pair[0]["starts_at"], pair[0]["id"]))
    language = anchor.get("language") or "nl"
    data = build.build_personal_feed(entries, base_url, manage_link=lambda _r: None, name=name, language=language)
    rows_for_date = [e for e, _ in entries] + [r for _, r in entries]
    return CalendarDocument(data, _latest(rows_for_date) or datetime(2000, 1, 1, tzinfo=UTC), "my-events.ics")
