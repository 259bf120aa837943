"""Reading registrations: counts per status, places left, waiting-list positions, lists and single registrations
(by manage token or by id), the event's questions, and the locked event row writers start from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from piccolo.engine.base import Engine
from piccolo.query.functions.aggregate import Count

from events.kernel.content_versions import PROGRAMME, remembered
from events.kernel.database import is_sqlite, read_rows
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.kernel.tokens import hash_token, plausible_token
from events.programme.tables import Event, EventStatus
from events.registration.rows import QuestionRow, RegistrationRow
from events.registration.tables import ACTIVE_STATUSES, Question, Registration, RegistrationStatus

# Not a status: the attendee list's filter (and count) of people who were checked in.
CHECKED_IN = "checked_in"


# Written out: every registration batch reads them, inside its transaction (where answers are not remembered).
_QUESTIONS = f"SELECT * FROM {Question._meta.tablename} WHERE event = {{}} ORDER BY position, id"


@remembered(PROGRAMME)  # the questions' changes bump `programme` (migration registration …question_versions)
async def questions_of(event_id: int) -> list[QuestionRow]:
    rows = await read_rows(_QUESTIONS, event_id)
    return [QuestionRow.from_row(row) for row in rows]



async def status_counts(event_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per event: how many registrations are in each status, and how many were checked in."""
    defaults = (*ACTIVE_STATUSES, RegistrationStatus.CANCELLED, CHECKED_IN)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(defaults, 0))
    if not event_ids:
        return counts
    rows = await (
        Registration.select(Registration.event, Registration.status, Count(Registration.id, alias="n"))
        .where(Registration.event.is_in(event_ids))
        .group_by(Registration.event, Registration.status)
    )
    for row in rows:
        counts[row["event"]][row["status"]] = row["n"]
    checked = await (
        Registration.select(Registration.event, Count(Registration.id, alias="n"))
        .where(Registration.event.is_in(event_ids) & Registration.checked_in_at.is_not_null())
        .group_by(Registration.event)
    )
    for row in checked:
        counts[row["event"]][CHECKED_IN] = row["n"]
    return counts


async def places_left(event: Mapping[str, Any]) -> int | None:
    if event["capacity"] is None:
        return None
    confirmed = await Registration.count().where(
        (Registration.event == event["id"]) & (Registration.status == RegistrationStatus.CONFIRMED)
    )
    return max(0, event["capacity"] - confirmed)


# Written out, as the registration desk reads them for every batch of a rush (Piccolo built each anew in Python).
# The places taken, kept per event by triggers (migration `registration …registration_places`): one row, where a
# COUNT read the whole waiting list at every batch of a rush.
_PLACES_TAKEN = "SELECT confirmed, waitlisted FROM registration_places WHERE event = {}"


async def confirmed_and_waitlisted(event_id: int) -> tuple[int, int]:
    rows = await read_rows(_PLACES_TAKEN, event_id)
    return (rows[0]["confirmed"], rows[0]["waitlisted"]) if rows else (0, 0)


async def registrations_by_email(event_id: int, emails: list[str]) -> list[dict[str, Any]]:
    """The event's registration rows of these normalised e-mail addresses (any status)."""
    if not emails:
        return []
    marks = ", ".join("{}" for _email in emails)
    sql = f"SELECT * FROM {Registration._meta.tablename} WHERE event = {{}} AND email_normalised IN ({marks})"
    return await read_rows(sql, event_id, *emails)


# Written out: a row-value comparison walks the (event, status, queued_at, id) index (migration
# registration_2026_12_04t02_00) to the row's place instead of counting the whole waiting list through an OR.
_AHEAD_IN_QUEUE = (
    f"SELECT COUNT(*) AS n FROM {Registration._meta.tablename} WHERE event = {{}} AND status = {{}} "
    "AND (queued_at, id) < ({}, {})"
)


async def waitlist_position(registration: Mapping[str, Any]) -> int | None:
    """The place of a registration row on its event's waiting list (1 = next), None when it is not on it."""
    if registration["status"] != RegistrationStatus.WAITLISTED:
        return None
    rows = await read_rows(
        _AHEAD_IN_QUEUE, registration["event"], RegistrationStatus.WAITLISTED.value, registration["queued_at"],
        registration["id"],
    )
    return rows[0]["n"] + 1


async def registration_row_by_token(token: str) -> dict[str, Any] | None:
    """The stored row whose manage token this is (the service's own reading)."""
    if not plausible_token(token):
        return None
    rows = await read_rows(_BY_TOKEN_HASH, hash_token(token))
    return rows[0] if rows else None


async def registration_row_by_id(registration_id: int) -> dict[str, Any] | None:
    """The stored row of this registration (the mail worker renders each message from it)."""
    rows = await read_rows(_BY_ID, registration_id)
    return rows[0] if rows else None


# Written out: the manage page, the join link and every personal page start here, and Piccolo built this query
# anew in Python for each of them (a sixth of the manage page's time).
_BY_TOKEN_HASH = f"SELECT * FROM {Registration._meta.tablename} WHERE token_hash = {{}} LIMIT 1"
_BY_ID = f"SELECT * FROM {Registration._meta.tablename} WHERE id = {{}}"


async def registration_by_token(token: str) -> RegistrationRow | None:
    """The registration whose manage token this is, with its place on the waiting list; None for any other text."""
    row = await registration_row_by_token(token)
    return None if row is None else RegistrationRow.from_row(row, await waitlist_position(row))


async def registrations_of(event_id: int, status: str | None = None, search: str = "") -> list[RegistrationRow]:
    """The event's registrations in queue order, optionally of one status (or CHECKED_IN) or matching a search;
    the unfiltered list numbers the waiting list."""
    where = Registration.event == event_id
    if status == CHECKED_IN:
        where = where & Registration.checked_in_at.is_not_null()
    elif status:
        where = where & (Registration.status == status)
    if search.strip():
        needle = f"%{search.strip()}%"
        # SQLite's LIKE already ignores case (ASCII); PostgreSQL needs ILIKE
        like = "like" if is_sqlite(Registration._meta.db) else "ilike"
        where = where & (
            getattr(Registration.name, like)(needle)
            | getattr(Registration.email, like)(needle)
            | getattr(Registration.organisation, like)(needle)
        )
    rows = await Registration.select().where(where).order_by(Registration.queued_at).order_by(Registration.id)
    found = []
    position = 0
    for row in rows:
        numbered = row["status"] == RegistrationStatus.WAITLISTED and not status
        position += numbered
        found.append(RegistrationRow.from_row(row, position if numbered else None))
    return found


async def registration_row_of_event(event_id: int, registration_id: int) -> dict[str, Any]:
    """The stored row of a registration of this event; NotFound for one of another event."""
    row = await Registration.select().where(
        (Registration.id == registration_id) & (Registration.event == event_id)
    ).first()
    if row is None:
        raise NotFound(N_("This registration does not exist."))
    return row


async def registration_of_event(event_id: int, registration_id: int, with_position: bool = False) -> RegistrationRow:
    """`with_position`: with its place on the waiting list (one more query)."""
    row = await registration_row_of_event(event_id, registration_id)
    return RegistrationRow.from_row(row, await waitlist_position(row) if with_position else None)


async def move_targets(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The organisation's other published events (id, title, slug), soonest first: where a registration may move."""
    return await Event.select(Event.id, Event.title, Event.slug).where(
        (Event.organisation == event["organisation"]) & (Event.id != event["id"]) & (Event.status == EventStatus.PUBLISHED)
    ).order_by(Event.starts_at)


async def has_registrations(event_id: int) -> bool:
    """Anyone, in any status (cancelled ones too: their history is kept)."""
    return await Registration.exists().where(Registration.event == event_id)


async def locked_event(engine: Engine, *, slug: str | None = None, event_id: int | None = None) -> dict[str, Any] | None:
    """The whole event row, locked against other writers until the transaction ends (PostgreSQL; on SQLite the
    IMMEDIATE write transaction already holds the file's lock). Written out: the desk reads it for every batch."""
    column, value = ("slug", slug) if slug is not None else ("id", event_id)
    lock = "" if is_sqlite(engine) else f" FOR UPDATE OF {Event._meta.tablename}"
    rows = await read_rows(f"SELECT * FROM {Event._meta.tablename} WHERE {column} = {{}}{lock}", value)
    return rows[0] if rows else None
