"""What other domains hear about events: the registries they subscribe to and the programme's calls to them.

- `on_calendar_change`: a change that raised the event's sequence (registration mails its invitation updates);
- `on_event_update`: any saved edit (registration fills a raised capacity from the waiting list);
- `on_event_delete`: a guard that may keep a draft from being deleted (registration, once people registered);
- `on_event_duplicate`: a domain copies its part of an event into a duplicate (questions, quizzes, live polls,
  linked resources).

Listeners run inside the transaction of the change, so what they write commits or rolls back with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The fields whose change matters to a calendar entry: a change raises `sequence` and is reported to listeners.
# The reminder schedule is one: the invitations' and feeds' VALARMs follow it, so a calendar must see a new SEQUENCE.
CALENDAR_FIELDS = frozenset(
    {"title", "starts_at", "ends_at", "timezone", "venue", "join_url", "format", "status", "reminder_minutes"}
)

CalendarListener = Callable[[dict[str, Any], frozenset[str], datetime], Awaitable[None]]
UpdateListener = Callable[[dict[str, Any], frozenset[str], datetime], Awaitable[None]]
DeleteGuard = Callable[[dict[str, Any]], Awaitable[str | None]]


@dataclass(frozen=True)
class Duplication:
    """What a duplicate hook gets: the source event's row, the copy (`id`, `slug`), the copy's session for each
    source session (ids), the shift of every instant (local wall-clock time of the event's zone) and now."""

    source: dict[str, Any]
    copy: dict[str, Any]
    sessions: dict[int, int]
    shift: Callable[[datetime | None], datetime | None]
    now: datetime


DuplicateHook = Callable[[Duplication], Awaitable[None]]

_calendar_listeners: list[CalendarListener] = []
_update_listeners: list[UpdateListener] = []
_delete_guards: list[DeleteGuard] = []
_duplicate_hooks: list[DuplicateHook] = []


def on_calendar_change(listener: CalendarListener) -> CalendarListener:
    """Register `async listener(event_row, changed_fields, now)`, called inside the transaction of every change
    that raised the event's sequence (title, times, place, join URL, format, status or reminder schedule), so a listener can write
    its outbox messages atomically with the change."""
    if listener not in _calendar_listeners:
        _calendar_listeners.append(listener)
    return listener


def on_event_update(listener: UpdateListener) -> UpdateListener:
    """Register `async listener(event_row, changed_fields, now)`, called inside the transaction of every saved
    edit that changed anything (any field, not only the calendar's): registration fills a raised capacity from
    the waiting list in the same transaction."""
    if listener not in _update_listeners:
        _update_listeners.append(listener)
    return listener


def on_event_delete(guard: DeleteGuard) -> DeleteGuard:
    """Register `async guard(event_row) -> refusal msgid | None`: another domain may keep an event from being
    deleted (registration: once people registered). Called inside the deleting transaction."""
    if guard not in _delete_guards:
        _delete_guards.append(guard)
    return guard


def on_event_duplicate(hook: DuplicateHook) -> DuplicateHook:
    """Register `async hook(duplication)`, called inside the transaction that makes a duplicate of an event, after
    the programme copied the event, its sessions and their speakers: the domain copies its own rows of the source
    to the copy (mapping sessions through `duplication.sessions`, moving instants with `duplication.shift`)."""
    if hook not in _duplicate_hooks:
        _duplicate_hooks.append(hook)
    return hook


def calendar_changes(before: dict[str, Any], after: dict[str, Any]) -> frozenset[str]:
    """Which calendar fields differ between two versions of an event."""
    return frozenset(name for name in CALENDAR_FIELDS if name in after and after[name] != before.get(name))


async def tell_calendar_change(event: dict[str, Any], changed: frozenset[str], now: datetime) -> None:
    for listener in _calendar_listeners:
        await listener(event, changed, now)


async def tell_update(event: dict[str, Any], edited: frozenset[str], now: datetime) -> None:
    for listener in _update_listeners:
        await listener(event, edited, now)


async def refusal_of_guards(event: dict[str, Any]) -> str | None:
    """The first refusal another domain gives to deleting this event, or None."""
    for guard in _delete_guards:
        refusal = await guard(event)
        if refusal:
            return refusal
    return None


async def tell_duplicate(duplication: Duplication) -> None:
    for hook in _duplicate_hooks:
        await hook(duplication)
