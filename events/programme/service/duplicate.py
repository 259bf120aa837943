"""Duplicating an event: a new draft of the same organisation with the programme of the source, every time moved
together so the copy starts at the moment asked for.

Times move by local wall-clock time in the event's own time zone: a session at 09:30 stays at 09:30 on the
clock, also when the copy lies on the other side of a change to or from summer time. The programme domain copies
the event row (every column but its identity, status and history, so columns other domains add come along), its
sessions and the speakers on them (no personal link is issued, no mail sent); the domains that own other parts
(questions, quizzes, live polls, linked resources) copy theirs in duplicate hooks
(`listeners.on_event_duplicate`), called inside the one transaction, so a copy is whole or not there at all.
Registrations, materials and attendance are never copied.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import insert_rows, write_transaction
from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.kernel.local_time import parse_local
from events.kernel.text import has_control_characters
from events.programme.service.listeners import Duplication, tell_duplicate
from events.programme.service.queries import full_events
from events.programme.service.rules import INSTANT_RULE, clean_text
from events.programme.service.slugs import slugify, unique_slug
from events.programme.tables import Event, EventStatus, Session, SessionSpeaker

# Columns the copy does not take from its source: its identity, its life so far, and the times (shifted below).
NOT_COPIED = frozenset({
    "id", "slug", "status", "sequence", "organiser", "created_at", "updated_at", "programme_updated_at",
})
# The event's own instants: all move with the start.
EVENT_INSTANTS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "upload_deadline")
SLUG_ATTEMPTS = 5
AUDIT_ACTION = "programme.duplicate"


def wall_clock_shift(source_start: datetime, new_start: datetime, tz_name: str):
    """The function that moves an instant as the source's start moves to `new_start`, on the local clock of
    `tz_name` (09:30 stays 09:30 across a change of summer time); None stays None."""
    zone = ZoneInfo(tz_name)

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone).replace(tzinfo=None)

    delta: timedelta = local(new_start) - local(source_start)

    def shift(moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        return (local(moment) + delta).replace(tzinfo=zone).astimezone(new_start.tzinfo or zone)

    return shift


def clean_duplicate(data: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """`starts_at` (required; without an offset read in the source's time zone), `title` and `slug` (optional)."""
    errors: dict[str, str] = {}
    try:
        starts_at = parse_local(data.get("starts_at"), source["timezone"])
    except (ValueError, TypeError, OverflowError):
        starts_at = None
    if starts_at is None:
        errors["starts_at"] = INSTANT_RULE
    title = clean_text(data.get("title")) or source["title"]
    if len(title) > 200:
        errors["title"] = N_("The title may be at most 200 characters long")
    elif has_control_characters(title):
        errors["title"] = N_("The title may not contain control characters")
    slug = clean_text(data.get("slug"))
    if has_control_characters(slug) or len(slug) > 100:
        errors["slug"] = N_("Use at most 100 letters, digits and hyphens")
    if errors:
        raise RuleViolation(N_("The event could not be duplicated"), errors)
    return {"starts_at": starts_at, "title": title, "slug": slugify(slug) if slug else slugify(title)}


def _copied_event(source: dict[str, Any], values: dict[str, Any], shift, actor: CurrentUser, now: datetime) -> Event:
    names = [c._meta.name for c in Event._meta.columns if c._meta.name not in NOT_COPIED]
    fields = {name: source[name] for name in names if name in source}
    fields.update({name: shift(source[name]) for name in EVENT_INSTANTS})
    fields.update(title=values["title"], status=EventStatus.DRAFT.value, organiser=actor.id, sequence=0,
                  created_at=now, updated_at=now, programme_updated_at=None)
    return Event(**fields)


async def _copy_programme(source_id: int, copy_id: int, shift) -> dict[int, int]:
    """The sessions and their speakers; returns source session id → copy session id."""
    sessions = await Session.select().where(Session.event == source_id).order_by(Session.id)
    made = await insert_rows(Session, [
        Session(event=copy_id, title=s["title"], abstract=s["abstract"], kind=s["kind"], starts_at=shift(s["starts_at"]),
                ends_at=shift(s["ends_at"]), room=s["room"], track=s["track"], created_at=s["created_at"])
        for s in sessions
    ])
    mapping = {s["id"]: row["id"] for s, row in zip(sessions, made, strict=True)}
    if mapping:
        speakers = await SessionSpeaker.select().where(SessionSpeaker.session.is_in(list(mapping)))
        await insert_rows(SessionSpeaker, [
            SessionSpeaker(session=mapping[s["session"]], speaker=s["speaker"], position=s["position"]) for s in speakers
        ], returning=())
    return mapping


async def duplicate_event(source: dict[str, Any], data: dict[str, Any], actor: CurrentUser, now: datetime) -> dict[str, Any]:
    """A draft copy of `source` (a row the caller may edit) starting at `data["starts_at"]`; returns the copy's row."""
    values = clean_duplicate(data, source)
    shift = wall_clock_shift(source["starts_at"], values["starts_at"], source["timezone"])
    for attempt in range(SLUG_ATTEMPTS):
        try:
            async with write_transaction(Event._meta.db):
                copy = _copied_event(source, values, shift, actor, now)
                copy.slug = await unique_slug(values["slug"])
                await copy.save()
                sessions = await _copy_programme(source["id"], copy.id, shift)
                await tell_duplicate(Duplication(source, {"id": copy.id, "slug": copy.slug}, sessions, shift, now))
                await audit.record(
                    AUDIT_ACTION, now, actor=actor, organisation_id=source["organisation"], event_id=copy.id,
                    subject=f"events/{copy.slug}", detail=f"from events/{source['slug']}",
                )
            break
        except Exception as exc:  # a concurrent create took the same slug: pick the next one
            if attempt == SLUG_ATTEMPTS - 1 or "unique" not in str(exc).lower():
                raise
    return await full_events().where(Event.id == copy.id).first()
