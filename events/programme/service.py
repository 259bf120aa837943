"""The programme's rules: events and their sessions and speakers.

Other domains read events through the functions here (never the join URL on public paths: use
PUBLIC_EVENT_COLUMNS).
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

from events.accounts.service import (
    PERSONAL_LINK_LIFETIME,
    CurrentUser,
    create_personal_link,
    get_or_create_speaker,
    revoke_personal_links,
)
from events.accounts.tables import PersonalLink, User
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from events.kernel.text import normalise_email, valid_email
from events.programme.tables import Event, Session, SessionSpeaker


def N_(message: str) -> str:  # noqa: N802 - the gettext marker; pages translate these messages where they show them
    return message


KINDS = ("conference", "webinar", "festival")
FORMATS = ("online", "onsite", "hybrid")
STATUSES = ("draft", "published", "cancelled")
SESSION_KINDS = ("talk", "panel", "workshop", "quiz", "break")


# Every column except the join URL: what public pages, feeds and the public API may read.
PUBLIC_EVENT_COLUMNS = [c for c in Event._meta.columns if c._meta.name != "join_url"]


async def public_event(slug: str) -> dict[str, Any] | None:
    """A published or cancelled event (drafts are invisible to the public), without the join URL."""
    return (
        await Event.select(*PUBLIC_EVENT_COLUMNS)
        .where((Event.slug == slug) & (Event.status != "draft"))
        .first()
    )


async def event_by_id(event_id: int) -> dict[str, Any] | None:
    """The whole event row (join URL included): for organisers, confirmed registrants' mail and invites."""
    return await Event.select().where(Event.id == event_id).first()


async def event_for_organiser(slug: str, user: CurrentUser) -> dict[str, Any]:
    """The whole event row if this user may manage it (its organiser, or an admin); raises NotFound/Forbidden."""
    row = await Event.select().where(Event.slug == slug).first()
    if row is None:
        raise NotFound("No event with this address")
    if not user.is_admin and row["organiser"] != user.id:
        raise Forbidden("This event belongs to another organiser")
    return row


def may_manage(event: dict[str, Any], user: CurrentUser | None) -> bool:
    return user is not None and (user.is_admin or (user.is_organiser and event["organiser"] == user.id))


async def sessions_of(event_id: int) -> list[dict[str, Any]]:
    return await Session.select().where(Session.event == event_id).order_by(Session.starts_at).order_by(Session.id)


async def session_by_id(session_id: int) -> dict[str, Any] | None:
    return await Session.select().where(Session.id == session_id).first()


async def speakers_of_session(session_id: int) -> list[dict[str, Any]]:
    return (
        await SessionSpeaker.select(
            SessionSpeaker.speaker.id.as_alias("id"),
            SessionSpeaker.speaker.name.as_alias("name"),
            SessionSpeaker.speaker.email.as_alias("email"),
            SessionSpeaker.speaker.organisation.as_alias("organisation"),
        )
        .where(SessionSpeaker.session == session_id)
        .order_by(SessionSpeaker.position)
    )


async def is_speaker_of(session_id: int, user_id: int) -> bool:
    return await SessionSpeaker.exists().where(
        (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == user_id)
    )


async def sessions_of_speaker(user_id: int) -> list[dict[str, Any]]:
    """The sessions this speaker is on, with their event's slug, title and timezone."""
    return (
        await SessionSpeaker.select(
            SessionSpeaker.session.id.as_alias("id"),
            SessionSpeaker.session.title.as_alias("title"),
            SessionSpeaker.session.starts_at.as_alias("starts_at"),
            SessionSpeaker.session.ends_at.as_alias("ends_at"),
            SessionSpeaker.session.event.id.as_alias("event_id"),
            SessionSpeaker.session.event.slug.as_alias("event_slug"),
            SessionSpeaker.session.event.title.as_alias("event_title"),
            SessionSpeaker.session.event.timezone.as_alias("event_timezone"),
        )
        .where(SessionSpeaker.speaker == user_id)
        .order_by(SessionSpeaker.session.starts_at)
    )


# --- rules: validation -------------------------------------------------------------------------------------

DEFAULT_TIMEZONE = "Europe/Amsterdam"
LANGUAGES = ("nl", "en")
# The fields whose change matters to a calendar entry: a change raises `sequence` and is reported to listeners.
CALENDAR_FIELDS = frozenset({"title", "starts_at", "ends_at", "timezone", "venue", "join_url", "format", "status"})
EDITABLE_EVENT_FIELDS = (
    "kind", "format", "title", "summary", "description", "starts_at", "ends_at", "timezone", "language", "venue",
    "join_url", "capacity", "registration_opens_at", "registration_closes_at", "approval_required",
    "upload_deadline", "reminder_minutes", "contact_name", "contact_email",
)
EDITABLE_SESSION_FIELDS = ("title", "abstract", "kind", "starts_at", "ends_at", "room", "track")
# Publish, unpublish and cancel: which status each leads to and from which it may start.
TRANSITIONS = {
    "publish": ("published", ("draft", "cancelled")),
    "unpublish": ("draft", ("published",)),
    "cancel": ("cancelled", ("draft", "published")),
}


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_timezone(name: str) -> bool:
    if name not in _known_timezones():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def valid_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host: nothing a browser would run (javascript:, data:)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_instant(value: Any, tz_name: str) -> datetime | None:
    """A moment from a datetime or an ISO 8601 text; without an offset it is read in the event's timezone.

    Returns None for empty input; raises ValueError for text that is no date and time.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))
    return moment.astimezone(UTC)


def _read_instant(data: dict, name: str, tz_name: str, errors: dict[str, str]) -> datetime | None:
    try:
        return parse_instant(data.get(name), tz_name)
    except (ValueError, TypeError, OverflowError):
        errors[name] = N_("Enter a date and time, such as 2026-12-06 09:30")
        return None


def _read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in ("1", "true", "on", "yes", "ja")


def _merged(data: dict[str, Any], current: dict[str, Any] | None, fields) -> dict[str, Any]:
    """The editable fields: current values (partial updates) overlaid with what was sent."""
    merged = {name: (current or {}).get(name) for name in fields}
    merged.update({k: v for k, v in data.items() if k in fields})
    return merged


def _clean_title(value: Any, errors: dict[str, str]) -> str:
    title = _text(value)
    if not title:
        errors["title"] = N_("Enter a title")
    elif len(title) > 200:
        errors["title"] = N_("The title may be at most 200 characters long")
    return title


def clean_event(data: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event's editable fields, checked; `data` may hold strings (forms) or typed values (API).

    With `current`, missing fields keep their current value (a partial update). Raises RuleViolation with one
    message per failing field.
    """
    merged = _merged(data, current, EDITABLE_EVENT_FIELDS)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    out["title"] = _clean_title(merged["title"], errors)
    out["kind"] = _text(merged["kind"]) or "conference"
    if out["kind"] not in KINDS:
        errors["kind"] = N_("Choose conference, webinar or festival")
    out["format"] = _text(merged["format"]) or "online"
    if out["format"] not in FORMATS:
        errors["format"] = N_("Choose online, onsite or hybrid")
    out["summary"] = _text(merged["summary"])
    if len(out["summary"]) > 500:
        errors["summary"] = N_("The summary may be at most 500 characters long")
    out["description"] = (merged["description"] or "").strip() if isinstance(merged["description"], str) else ""
    if len(out["description"]) > 50_000:
        errors["description"] = N_("The description is too long")

    out["timezone"] = _text(merged["timezone"]) or DEFAULT_TIMEZONE
    tz_name = out["timezone"]
    if not valid_timezone(tz_name):
        errors["timezone"] = N_("Choose a valid time zone, such as Europe/Amsterdam")
        tz_name = DEFAULT_TIMEZONE
    out["language"] = _text(merged["language"]) or "nl"
    if out["language"] not in LANGUAGES:
        errors["language"] = N_("Choose Dutch or English")

    out["starts_at"] = _read_instant(merged, "starts_at", tz_name, errors)
    out["ends_at"] = _read_instant(merged, "ends_at", tz_name, errors)
    if out["starts_at"] is None and "starts_at" not in errors:
        errors["starts_at"] = N_("Enter when the event starts")
    if out["ends_at"] is None and "ends_at" not in errors:
        errors["ends_at"] = N_("Enter when the event ends")
    if out["starts_at"] and out["ends_at"] and out["ends_at"] <= out["starts_at"]:
        errors["ends_at"] = N_("The end must be after the start")

    out["venue"] = _text(merged["venue"])
    out["join_url"] = _text(merged["join_url"])
    if out["format"] in ("onsite", "hybrid") and not out["venue"]:
        errors["venue"] = N_("An onsite or hybrid event needs a venue")
    if out["join_url"] and not valid_web_url(out["join_url"]):
        errors["join_url"] = N_("Enter a web address that starts with https:// or http://")
    elif out["format"] in ("online", "hybrid") and not out["join_url"]:
        errors["join_url"] = N_("An online or hybrid event needs a join URL")

    capacity = merged["capacity"]
    if capacity is None or (isinstance(capacity, str) and not capacity.strip()):
        out["capacity"] = None
    else:
        try:
            if isinstance(capacity, bool) or not isinstance(capacity, int | str):
                raise ValueError
            out["capacity"] = int(capacity)
        except ValueError:
            out["capacity"] = None
            errors["capacity"] = N_("Enter a whole number of places, or leave it empty for no limit")
        else:
            if out["capacity"] < 1:
                errors["capacity"] = N_("The capacity must be at least 1, or empty for no limit")
            elif out["capacity"] > 1_000_000:
                errors["capacity"] = N_("The capacity is too large")

    out["registration_opens_at"] = _read_instant(merged, "registration_opens_at", tz_name, errors)
    out["registration_closes_at"] = _read_instant(merged, "registration_closes_at", tz_name, errors)
    opens, closes = out["registration_opens_at"], out["registration_closes_at"]
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = N_("Registration must close after it opens")
    elif closes and out["ends_at"] and closes > out["ends_at"]:
        errors["registration_closes_at"] = N_("Registration must close before the event ends")
    if opens and out["ends_at"] and opens >= out["ends_at"] and "registration_opens_at" not in errors:
        errors["registration_opens_at"] = N_("Registration must open before the event ends")
    out["approval_required"] = _read_bool(merged["approval_required"])
    out["upload_deadline"] = _read_instant(merged, "upload_deadline", tz_name, errors)

    reminders = _text(merged["reminder_minutes"]).replace(" ", "")
    if reminders:
        parts = reminders.split(",")
        if not all(p.isdigit() and int(p) <= 60 * 24 * 60 for p in parts):
            errors["reminder_minutes"] = N_("Enter minutes before the start separated by commas, such as 1440,15")
        else:
            reminders = ",".join(str(int(p)) for p in parts)
    out["reminder_minutes"] = reminders

    out["contact_name"] = _text(merged["contact_name"])[:200]
    out["contact_email"] = normalise_email(_text(merged["contact_email"]))
    if out["contact_email"] and not valid_email(out["contact_email"]):
        errors["contact_email"] = N_("Enter a valid e-mail address")

    if errors:
        raise RuleViolation(N_("The event could not be saved"), errors)
    return out


def clean_session(data: dict[str, Any], event: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    """A session's fields, checked against its event (it must lie within the event's start and end)."""
    merged = _merged(data, current, EDITABLE_SESSION_FIELDS)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    out["title"] = _clean_title(merged["title"], errors)
    out["abstract"] = (merged["abstract"] or "").strip() if isinstance(merged["abstract"], str) else ""
    out["kind"] = _text(merged["kind"]) or "talk"
    if out["kind"] not in SESSION_KINDS:
        errors["kind"] = N_("Choose talk, panel, workshop, quiz or break")
    out["room"] = _text(merged["room"])[:100]
    out["track"] = _text(merged["track"])[:100]
    tz_name = event["timezone"]
    out["starts_at"] = _read_instant(merged, "starts_at", tz_name, errors)
    out["ends_at"] = _read_instant(merged, "ends_at", tz_name, errors)
    if out["starts_at"] is None and "starts_at" not in errors:
        errors["starts_at"] = N_("Enter when the session starts")
    if out["ends_at"] is None and "ends_at" not in errors:
        errors["ends_at"] = N_("Enter when the session ends")
    if out["starts_at"] and out["ends_at"]:
        if out["ends_at"] <= out["starts_at"]:
            errors["ends_at"] = N_("The end must be after the start")
        elif out["starts_at"] < event["starts_at"] or out["ends_at"] > event["ends_at"]:
            errors["starts_at"] = N_("A session must lie within the start and end of its event")
    if errors:
        raise RuleViolation(N_("The session could not be saved"), errors)
    return out


# --- slugs --------------------------------------------------------------------------------------------------


# Letters that Unicode does not decompose into a base letter plus accent.
_UNDECOMPOSABLE = str.maketrans(
    {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ð": "d", "ı": "i"}
)


def slugify(title: str) -> str:
    """A readable address from a title: diacritics folded ("Café Één" -> "cafe-een"), lower case, hyphens."""
    folded = unicodedata.normalize("NFKD", title.translate(_UNDECOMPOSABLE)).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    slug = slug[:80].rstrip("-")
    return slug or "evenement"


async def unique_slug(base: str) -> str:
    taken = {
        row["slug"]
        for row in await Event.select(Event.slug).where((Event.slug == base) | Event.slug.like(f"{base}-%"))
    }
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# --- calendar-relevant changes --------------------------------------------------------------------------------

CalendarListener = Callable[[dict[str, Any], frozenset[str], datetime], Awaitable[None]]
_calendar_listeners: list[CalendarListener] = []


def on_calendar_change(listener: CalendarListener) -> CalendarListener:
    """Register `async listener(event_row, changed_fields, now)`, called inside the transaction of every change
    that raised the event's sequence (title, times, place, join URL, format or status), so a listener can write
    its outbox messages atomically with the change."""
    if listener not in _calendar_listeners:
        _calendar_listeners.append(listener)
    return listener


UpdateListener = Callable[[dict[str, Any], frozenset[str], datetime], Awaitable[None]]
_update_listeners: list[UpdateListener] = []


def on_event_update(listener: UpdateListener) -> UpdateListener:
    """Register `async listener(event_row, changed_fields, now)`, called inside the transaction of every saved
    edit that changed anything (any field, not only the calendar's): registration fills a raised capacity from
    the waiting list in the same transaction."""
    if listener not in _update_listeners:
        _update_listeners.append(listener)
    return listener


def calendar_changes(before: dict[str, Any], after: dict[str, Any]) -> frozenset[str]:
    """Which calendar fields differ between two versions of an event."""
    return frozenset(name for name in CALENDAR_FIELDS if name in after and after[name] != before.get(name))


async def _notify(event: dict[str, Any], changed: frozenset[str], now: datetime) -> None:
    for listener in _calendar_listeners:
        await listener(event, changed, now)


# --- organiser: events ----------------------------------------------------------------------------------------


def _engine():
    return Event._meta.db


async def create_event(data: dict[str, Any], organiser_id: int, now: datetime, slug: str | None = None) -> dict[str, Any]:
    """A new draft event; its slug comes from the title (or `slug`), made unique with -2, -3, …"""
    values = clean_event(data)
    base = slugify(slug) if slug and slug.strip() else slugify(values["title"])
    for attempt in range(5):
        try:
            async with write_transaction(_engine()):
                event = Event(
                    **values, slug=await unique_slug(base), status="draft", organiser=organiser_id,
                    sequence=0, created_at=now, updated_at=now,
                )
                await event.save()
            break
        except Exception as exc:  # a concurrent create took the same slug: pick the next one
            if attempt == 4 or "unique" not in str(exc).lower():
                raise
    return await Event.select().where(Event.id == event.id).first()


async def update_event(event: dict[str, Any], data: dict[str, Any], now: datetime) -> frozenset[str]:
    """Apply an edit; returns the calendar fields that changed (empty: the sequence stayed the same).

    The slug never changes, so links and calendar UIDs stay valid when the title does.
    """
    values = clean_event(data, current=event)
    async with write_transaction(_engine()):
        await lock_row(_engine(), Event, event["id"])
        fresh = await Event.select().where(Event.id == event["id"]).first()
        if values["starts_at"] != fresh["starts_at"] or values["ends_at"] != fresh["ends_at"]:
            outside = await Session.count().where(
                (Session.event == event["id"])
                & ((Session.starts_at < values["starts_at"]) | (Session.ends_at > values["ends_at"]))
            )
            if outside:
                raise RuleViolation(
                    N_("The event could not be saved"),
                    {"starts_at": N_("Some sessions would fall outside the event: move them first")},
                )
        changed = calendar_changes(fresh, values)
        update = {**values, "updated_at": now}
        if changed:
            update["sequence"] = fresh["sequence"] + 1
        await Event.update({getattr(Event, k): v for k, v in update.items()}).where(Event.id == event["id"])
        if changed:
            await _notify({**fresh, **update}, changed, now)
        edited = frozenset(name for name, value in values.items() if fresh.get(name) != value)
        if edited:
            for listener in _update_listeners:
                await listener({**fresh, **update}, edited, now)
    return changed


async def change_status(event: dict[str, Any], action: str, now: datetime) -> dict[str, Any]:
    """Publish, unpublish or cancel; raises the sequence. Returns the updated row."""
    if action not in TRANSITIONS:
        raise NotFound("No such action")
    target, allowed_from = TRANSITIONS[action]
    async with write_transaction(_engine()):
        await lock_row(_engine(), Event, event["id"])
        fresh = await Event.select().where(Event.id == event["id"]).first()
        if fresh["status"] not in allowed_from:
            raise Conflict(TRANSITION_REFUSALS[action], {"status": TRANSITION_REFUSALS[action]})
        update = {"status": target, "sequence": fresh["sequence"] + 1, "updated_at": now}
        await Event.update({getattr(Event, k): v for k, v in update.items()}).where(Event.id == event["id"])
        row = {**fresh, **update}
        await _notify(row, frozenset({"status"}), now)
    return row


TRANSITION_REFUSALS = {
    "publish": N_("Only a draft or cancelled event can be published"),
    "unpublish": N_("Only a published event can be taken offline"),
    "cancel": N_("This event has already been cancelled"),
}


DeleteGuard = Callable[[dict[str, Any]], Awaitable[str | None]]
_delete_guards: list[DeleteGuard] = []


def on_event_delete(guard: DeleteGuard) -> DeleteGuard:
    """Register `async guard(event_row) -> refusal msgid | None`: another domain may keep an event from being
    deleted (registration: once people registered). Called inside the deleting transaction."""
    if guard not in _delete_guards:
        _delete_guards.append(guard)
    return guard


async def deletion_refusal(event: dict[str, Any]) -> str | None:
    """Why this event may not be deleted, or None. Only a draft goes: what was public is cancelled, never erased."""
    if event["status"] != "draft":
        return N_("Only a draft can be deleted; cancel a published event instead")
    for guard in _delete_guards:
        refusal = await guard(event)
        if refusal:
            return refusal
    return None


async def delete_event(event: dict[str, Any]) -> None:
    """Deletes a draft with its sessions, speakers' assignments, materials, quizzes and links (the database
    cascades; uploaded files go with `events purge`)."""
    engine = _engine()
    async with write_transaction(engine):
        await lock_row(engine, Event, event["id"])
        fresh = await Event.select().where(Event.id == event["id"]).first()
        if fresh is None:
            raise NotFound(N_("No event with this address"))
        refusal = await deletion_refusal(fresh)
        if refusal:
            raise Conflict(refusal, {"status": refusal})
        await Event.delete().where(Event.id == fresh["id"])


async def events_of_organiser(user: CurrentUser) -> list[dict[str, Any]]:
    """The events this user manages (all of them for an admin), newest start first."""
    query = Event.select(
        Event.id, Event.slug, Event.title, Event.kind, Event.format, Event.status, Event.starts_at, Event.ends_at,
        Event.timezone, Event.capacity, Event.organiser,
    )
    if not user.is_admin:
        query = query.where(Event.organiser == user.id)
    return await query.order_by(Event.starts_at, ascending=False)


# --- organiser: sessions and speakers ---------------------------------------------------------------------------


async def session_of_event(event: dict[str, Any], session_id: int) -> dict[str, Any]:
    row = await Session.select().where((Session.id == session_id) & (Session.event == event["id"])).first()
    if row is None:
        raise NotFound(N_("No session with this number in this event"))
    return row


async def _programme_changed(event_ids: list[int], now: datetime) -> None:
    """Dates a change of the programme (call it in the change's transaction)."""
    if event_ids:
        await Event.update({Event.programme_updated_at: now}).where(Event.id.is_in(event_ids))


async def create_session(event: dict[str, Any], data: dict[str, Any], now: datetime) -> dict[str, Any]:
    values = clean_session(data, event)
    async with write_transaction(_engine()):
        session = Session(**values, event=event["id"], created_at=now)
        await session.save()
        await _programme_changed([event["id"]], now)
    return await Session.select().where(Session.id == session.id).first()


async def update_session(event: dict[str, Any], session_id: int, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    current = await session_of_event(event, session_id)
    values = clean_session(data, event, current=current)
    async with write_transaction(_engine()):
        await Session.update({getattr(Session, k): v for k, v in values.items()}).where(Session.id == session_id)
        await _programme_changed([event["id"]], now)
    return {**current, **values}


async def delete_session(event: dict[str, Any], session_id: int, now: datetime) -> None:
    await session_of_event(event, session_id)
    async with write_transaction(_engine()):
        await SessionSpeaker.delete().where(SessionSpeaker.session == session_id)
        await Session.delete().where(Session.id == session_id)
        await _programme_changed([event["id"]], now)


async def speakers_of_event(event_id: int) -> dict[int, list[dict[str, Any]]]:
    """Session id -> its speakers (id, name, organisation, e-mail, role), in their order: one query per event."""
    rows = await (
        SessionSpeaker.select(
            SessionSpeaker.session.id.as_alias("session_id"),
            SessionSpeaker.speaker.id.as_alias("id"),
            SessionSpeaker.speaker.name.as_alias("name"),
            SessionSpeaker.speaker.email.as_alias("email"),
            SessionSpeaker.speaker.organisation.as_alias("organisation"),
            SessionSpeaker.speaker.role.as_alias("role"),
        )
        .where(SessionSpeaker.session.event == event_id)
        .order_by(SessionSpeaker.position)
        .order_by(SessionSpeaker.id)
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row.pop("session_id"), []).append(row)
    return grouped


async def _has_active_link(user_id: int, now: datetime) -> bool:
    return await PersonalLink.exists().where(
        (PersonalLink.user == user_id) & PersonalLink.revoked_at.is_null() & (PersonalLink.expires_at > now)
    )


async def add_speaker(
    event: dict[str, Any], session_id: int, email: str, now: datetime, name: str = "", organisation: str = "",
    base_url: str | None = None,
) -> dict[str, Any]:
    """Put a speaker on a session by e-mail, creating (or reusing) their speaker account.

    Returns {"speaker": CurrentUser, "created": bool, "token": str | None}: a personal-link token when the speaker
    had no valid link yet, which (given `base_url`) is also mailed to the speaker through the outbox. Accounts of
    organisers and admins never get a personal link from here — that would let one organiser sign in as another.
    """
    email = normalise_email(email)
    if not valid_email(email):
        raise RuleViolation(N_("The speaker could not be added"), {"email": N_("Enter a valid e-mail address")})
    if len(name) > 200 or len(organisation) > 200:
        raise RuleViolation(N_("The speaker could not be added"), {"name": N_("The name is too long")})
    await session_of_event(event, session_id)
    speaker, created = await get_or_create_speaker(email, name=name.strip(), organisation=organisation.strip())
    async with write_transaction(_engine()):
        if not await SessionSpeaker.exists().where(
            (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == speaker.id)
        ):
            position = await SessionSpeaker.count().where(SessionSpeaker.session == session_id)
            await SessionSpeaker(session=session_id, speaker=speaker.id, position=position).save()
            await _programme_changed([event["id"]], now)
    token = None
    if speaker.role == "speaker" and not await _has_active_link(speaker.id, now):
        async with write_transaction(_engine()):
            token = await create_personal_link(speaker.id, now)
            if base_url:
                await queue_speaker_link_mail(event, speaker.id, token, base_url, now)
    return {"speaker": speaker, "created": created, "token": token}


async def remove_speaker(event: dict[str, Any], session_id: int, speaker_id: int, now: datetime) -> None:
    await session_of_event(event, session_id)
    async with write_transaction(_engine()):
        removed = await SessionSpeaker.delete().where(
            (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == speaker_id)
        ).returning(SessionSpeaker.id)
        if removed:
            await _programme_changed([event["id"]], now)


async def new_speaker_link(event: dict[str, Any], speaker_id: int, now: datetime, base_url: str | None = None) -> str:
    """A fresh personal link for a speaker of this event; their older links stop working. Given `base_url`, the
    link is also mailed to the speaker."""
    on_event = await SessionSpeaker.exists().where(
        (SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event == event["id"])
    )
    if not on_event:
        raise NotFound(N_("This person is not a speaker of this event"))
    role = await User.select(User.role).where(User.id == speaker_id).first()
    if role is None or role["role"] != "speaker":
        raise Forbidden(N_("Organisers and administrators sign in with their own account, not a personal link"))
    async with write_transaction(_engine()):
        await revoke_personal_links(speaker_id, now)
        token = await create_personal_link(speaker_id, now)
        if base_url:
            await queue_speaker_link_mail(event, speaker_id, token, base_url, now)
    return token


SPEAKER_LINK_SUBJECT = N_("Your personal link for %(title)s")


async def queue_speaker_link_mail(event: dict[str, Any], speaker_id: int, token: str, base_url: str, now: datetime) -> None:
    """The speaker's personal link by mail, in the event's language, with their sessions and the upload deadline.
    Call it in the transaction that made the link: the outbox row and the link exist together or not at all."""
    from events.kernel.i18n import gettext_for
    from events.mail import service as mail  # the mail domain needs nothing from the programme

    speaker = await User.select(User.email, User.name).where(User.id == speaker_id).first()
    sessions = await SessionSpeaker.select(
        SessionSpeaker.session.title.as_alias("title"), SessionSpeaker.session.starts_at.as_alias("starts_at")
    ).where((SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event == event["id"])).order_by(
        SessionSpeaker.session.starts_at
    )
    language = event.get("language") or "nl"
    text, html = mail.render("mail/speaker_link", language, {
        "event": event, "speaker": speaker, "sessions": sessions, "link": f"{base_url}/p/{token}",
        "expires_at": now + PERSONAL_LINK_LIFETIME,
    })
    await mail.queue_messages([mail.new_message(
        to_address=speaker["email"], subject=gettext_for(language, SPEAKER_LINK_SUBJECT, title=event["title"]),
        text_body=text, html_body=html, kind="speaker_link", language=language, now=now, event_id=event["id"],
    )])





# --- the public side -------------------------------------------------------------------------------------------


def _public_query():
    return Event.select(*PUBLIC_EVENT_COLUMNS)


async def upcoming_events(now: datetime, kind: str | None = None) -> list[dict[str, Any]]:
    """Published events that have not ended, soonest first."""
    query = _public_query().where((Event.status == "published") & (Event.ends_at >= now))
    if kind:
        query = query.where(Event.kind == kind)
    return await query.order_by(Event.starts_at)


async def past_events(now: datetime, kind: str | None = None) -> list[dict[str, Any]]:
    """Published events that have ended, most recent first."""
    query = _public_query().where((Event.status == "published") & (Event.ends_at < now))
    if kind:
        query = query.where(Event.kind == kind)
    return await query.order_by(Event.starts_at, ascending=False)


async def published_events(
    kind: str | None = None, starts_from: datetime | None = None, until: datetime | None = None
) -> list[dict[str, Any]]:
    """Published events (API): `starts_from` keeps those still running then, `until` those that start by then."""
    query = _public_query().where(Event.status == "published")
    if kind:
        query = query.where(Event.kind == kind)
    if starts_from is not None:
        query = query.where(Event.ends_at >= starts_from)
    if until is not None:
        query = query.where(Event.starts_at <= until)
    return await query.order_by(Event.starts_at)


async def public_agenda(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The sessions of an event, each with its speakers (id, name, organisation — no e-mail)."""
    speakers = await speakers_of_event(event["id"])
    sessions = await sessions_of(event["id"])
    for session in sessions:
        session["speakers"] = [
            {"id": s["id"], "name": s["name"], "organisation": s["organisation"]} for s in speakers.get(session["id"], [])
        ]
    return sessions


def agenda_by_day(sessions: list[dict[str, Any]], tz_name: str) -> list[tuple[date, list[dict[str, Any]]]]:
    """Sessions grouped by their day in the event's timezone, in time order."""
    tz = zoneinfo.ZoneInfo(tz_name)
    days: dict[date, list[dict[str, Any]]] = {}
    for session in sorted(sessions, key=lambda s: (s["starts_at"], s["id"])):
        days.setdefault(session["starts_at"].astimezone(tz).date(), []).append(session)
    return list(days.items())


async def public_speaker(speaker_id: int) -> dict[str, Any] | None:
    """A speaker's public profile (name, organisation, bio) and sessions of public events; None when they have
    none (so the page cannot be used to look up other accounts)."""
    user = await User.select(User.id, User.name, User.organisation, User.bio, User.active).where(
        User.id == speaker_id
    ).first()
    if user is None or not user["active"]:
        return None
    sessions = await (
        SessionSpeaker.select(
            SessionSpeaker.session.id.as_alias("id"),
            SessionSpeaker.session.title.as_alias("title"),
            SessionSpeaker.session.kind.as_alias("kind"),
            SessionSpeaker.session.starts_at.as_alias("starts_at"),
            SessionSpeaker.session.ends_at.as_alias("ends_at"),
            SessionSpeaker.session.event.slug.as_alias("event_slug"),
            SessionSpeaker.session.event.title.as_alias("event_title"),
            SessionSpeaker.session.event.timezone.as_alias("event_timezone"),
            SessionSpeaker.session.event.status.as_alias("event_status"),
        )
        .where((SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event.status != "draft"))
        .order_by(SessionSpeaker.session.starts_at)
    )
    if not sessions:
        return None
    return {"id": user["id"], "name": user["name"], "organisation": user["organisation"], "bio": user["bio"], "sessions": sessions}


# --- descriptions ----------------------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text: str) -> str:
    """Organiser-written markdown as safe HTML: raw HTML is escaped, then nh3 keeps only plain text markup and
    http(s)/mailto links (no script, no event handlers, no javascript: URLs)."""
    html = _markdown.render(text or "")
    # Headings start at h2: the page's h1 is the event's title.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# Offered in the event form; any other IANA name may be typed in.
COMMON_TIMEZONES = (
    "Europe/Amsterdam", "Europe/Brussels", "Europe/London", "Europe/Berlin", "America/Curacao", "America/Aruba",
    "America/Kralendijk", "America/Paramaribo", "UTC",
)


# --- speaker profiles (what the public speaker page shows) --------------------------------------------------------


async def speaker_of_event(event: dict[str, Any], speaker_id: int) -> dict[str, Any]:
    """A speaker account on one of this event's sessions, for its organiser to edit; other accounts are refused."""
    on_event = await SessionSpeaker.exists().where(
        (SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event == event["id"])
    )
    if not on_event:
        raise NotFound(N_("This person is not a speaker of this event"))
    row = await User.select(User.id, User.email, User.name, User.organisation, User.bio, User.role).where(
        User.id == speaker_id
    ).first()
    if row["role"] != "speaker":
        raise Forbidden(N_("Only the profile of a speaker account can be edited here"))
    return row


async def update_speaker_profile(event: dict[str, Any], speaker_id: int, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    current = await speaker_of_event(event, speaker_id)
    values = {
        "name": _text(data.get("name")),
        "organisation": _text(data.get("organisation")),
        "bio": (data.get("bio") or "").strip(),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = N_("Enter the speaker's name")
    elif len(values["name"]) > 200:
        errors["name"] = N_("The name is too long")
    if len(values["organisation"]) > 200:
        errors["organisation"] = N_("The organisation may be at most 200 characters long")
    if len(values["bio"]) > 5000:
        errors["bio"] = N_("The biography may be at most 5000 characters long")
    if errors:
        raise RuleViolation(N_("The profile could not be saved"), errors)
    async with write_transaction(_engine()):
        await User.update({User.name: values["name"], User.organisation: values["organisation"], User.bio: values["bio"]}).where(
            User.id == speaker_id
        )
        if values["name"] != current.get("name"):  # programmes show speakers' names: every one they speak in changed
            rows = await SessionSpeaker.select(SessionSpeaker.session.event.as_alias("event")).where(
                SessionSpeaker.speaker == speaker_id
            )
            await _programme_changed(sorted({row["event"] for row in rows}), now)
    return {**current, **values}
