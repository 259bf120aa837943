"""Series of events: an organisation's editors make, change and delete a series and put its events in or take
them out; anyone reads a series (its name, description and published events). Every change is in the audit
trail. Another organisation's series answers NotFound, as a missing one; a viewer changes nothing (Forbidden)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters, slugify
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.tables import Event, EventStatus
from events.series.service.subscriptions import notify_subscribers
from events.series.tables import Series, SeriesEvent, Subscriber

NO_SERIES = N_("No series with this address")
MAX_DESCRIPTION = 5000
SLUG_ATTEMPTS = 5
MAX_PER_PAGE = 200  # as every list (events.web.pagination)
# Path segments of the subscription links (/series/confirm/…, /series/unsubscribe/…): no series is called so.
RESERVED_SLUGS = frozenset({"confirm", "unsubscribe"})


def clean_series(data: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, str]:
    """Name (required, one line, at most 200 characters) and description (markdown, at most 5,000)."""
    errors: dict[str, str] = {}
    name = data.get("name", (current or {}).get("name"))
    name = "" if name is None else str(name).strip()
    description = data.get("description", (current or {}).get("description", ""))
    description = "" if description is None else str(description).strip()
    if not name:
        errors["name"] = N_("Enter a name")
    elif len(name) > 200:
        errors["name"] = N_("The name may be at most 200 characters long")
    elif has_control_characters(name):
        errors["name"] = N_("The name may not contain control characters")
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = N_("The description may be at most 5,000 characters long")
    elif has_control_characters(description, multiline=True):
        errors["description"] = N_("The description may not contain control characters")
    if errors:
        raise RuleViolation(N_("The series could not be saved"), errors)
    return {"name": name, "description": description}


async def _free_slug(base: str) -> str:
    taken = RESERVED_SLUGS | {row["slug"] for row in await Series.select(Series.slug).where((Series.slug == base) | Series.slug.like(f"{base}-%"))}
    number, slug = 2, base
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


async def create_series(
    data: dict[str, Any], user: CurrentUser, now: datetime, organisation: str | None = None, slug: str | None = None,
) -> dict[str, Any]:
    """A new series of the organisation named by `organisation` (its slug; else the user's only one where they
    edit); its address comes from the name (or `slug`), made unique with -2, -3, …"""
    await organisations.require_may_create_events(user)  # a viewer hears 403 before any form error
    values = clean_series(data)
    if slug is not None and (has_control_characters(slug) or len(slug) > 100):
        raise RuleViolation(N_("The series could not be saved"), {"slug": N_("Use at most 100 letters, digits and hyphens")})
    owner = await organisations.organisation_for_new_event(user, organisation, now)
    base = slugify(slug if slug and slug.strip() else values["name"], fallback="reeks")
    for attempt in range(SLUG_ATTEMPTS):
        try:
            async with write_transaction(Series._meta.db):
                row = Series(**values, organisation=owner.id, slug=await _free_slug(base), created_at=now, updated_at=now)
                await row.save()
                await audit.record("series.create", now, actor=user, organisation_id=owner.id, subject=f"series/{row.slug}")
            break
        except Exception as exc:  # a concurrent create took the same slug: pick the next one
            if attempt == SLUG_ATTEMPTS - 1 or "unique" not in str(exc).lower():
                raise
    return await series_by_id(row.id)


async def series_by_id(series_id: int) -> dict[str, Any]:
    row = await Series.select(*Series.all_columns(), Series.organisation.slug.as_alias("organisation_slug"),
                              Series.organisation.name.as_alias("organisation_name")).where(Series.id == series_id).first()
    if row is None:
        raise NotFound(NO_SERIES)
    return row


async def public_series(slug: str) -> dict[str, Any]:
    """Any series, for the public page, feed and API (they show only its published events)."""
    row = await Series.select(Series.id).where(Series.slug == slug).first()
    if row is None:
        raise NotFound(NO_SERIES)
    return await series_by_id(row["id"])


async def series_for_organiser(slug: str, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR) -> dict[str, Any]:
    """The series when this user's role in its organisation includes `needed`: NotFound for anyone outside it
    (as for a missing series), Forbidden for a member whose role is too weak."""
    row = await Series.select(Series.id, Series.organisation).where(Series.slug == slug).first()
    if row is None:
        raise NotFound(NO_SERIES)
    role = await organisations.require_role(user, row["organisation"], needed, missing=NO_SERIES)
    return {**await series_by_id(row["id"]), "read_only": not role.includes(OrgRole.EDITOR)}


async def update_series(series: dict[str, Any], data: dict[str, Any], user: CurrentUser, now: datetime) -> dict[str, Any]:
    values = clean_series(data, current=series)
    async with write_transaction(Series._meta.db):
        await Series.update({Series.name: values["name"], Series.description: values["description"], Series.updated_at: now}).where(
            Series.id == series["id"])
        await audit.record("series.edit", now, actor=user, organisation_id=series["organisation"], subject=f"series/{series['slug']}")
    return await series_by_id(series["id"])


async def delete_series(series: dict[str, Any], user: CurrentUser, now: datetime) -> None:
    """The series goes with its subscribers (who are told nothing more); its events stay."""
    async with write_transaction(Series._meta.db):
        await Series.delete().where(Series.id == series["id"])
        await audit.record("series.delete", now, actor=user, organisation_id=series["organisation"], subject=f"series/{series['slug']}")


async def event_for_series(series: dict[str, Any], event_slug: str, user: CurrentUser, named_in_body: bool = False) -> dict[str, Any]:
    """An event of the series' own organisation (the user edits the series, so they edit its events); else
    NotFound, as a missing event. Named in a request body rather than the path, a missing event is a field error
    (400), the same for an event of another organisation."""
    row = await Event.select(Event.slug, Event.organisation).where(Event.slug == str(event_slug)).first()
    if row is None or row["organisation"] != series["organisation"]:
        if named_in_body:
            raise RuleViolation(programme.NO_EVENT, {"event": N_("Choose an event of the series' organisation")})
        raise NotFound(programme.NO_EVENT)
    return await programme.event_for_organiser(row["slug"], user, OrgRole.EDITOR)


async def add_event(series: dict[str, Any], event: dict[str, Any], user: CurrentUser, now: datetime, base_url: str) -> bool:
    """Puts the event in the series (False when it already was). A published upcoming event added to a series is
    news to its subscribers: their notices are written in the same transaction."""
    engine = SeriesEvent._meta.db
    async with write_transaction(engine):
        await lock_row(engine, Series, series["id"])
        if await SeriesEvent.exists().where((SeriesEvent.series == series["id"]) & (SeriesEvent.event == event["id"])):
            return False
        await SeriesEvent(series=series["id"], event=event["id"], added_at=now).save()
        await audit.record("series.add-event", now, actor=user, organisation_id=series["organisation"], event_id=event["id"],
                           subject=f"series/{series['slug']}", detail=f"events/{event['slug']}")
        await notify_subscribers(event, now, base_url)
    return True


async def remove_event(series: dict[str, Any], event: dict[str, Any], user: CurrentUser, now: datetime) -> None:
    async with write_transaction(SeriesEvent._meta.db):
        gone = await SeriesEvent.delete().where(
            (SeriesEvent.series == series["id"]) & (SeriesEvent.event == event["id"])).returning(SeriesEvent.id)
        if not gone:
            raise NotFound(N_("This event is not in the series"))
        await audit.record("series.remove-event", now, actor=user, organisation_id=series["organisation"], event_id=event["id"],
                           subject=f"series/{series['slug']}", detail=f"events/{event['slug']}")


async def event_ids_of(series_id: int) -> list[int]:
    return [row["event"] for row in await SeriesEvent.select(SeriesEvent.event).where(SeriesEvent.series == series_id)]


async def published_events_of(series_id: int) -> list[dict[str, Any]]:
    """The series' published and cancelled events (no join URL), soonest first."""
    ids = await event_ids_of(series_id)
    if not ids:
        return []
    return await programme.public_events().where(
        Event.id.is_in(ids), Event.status.is_in([EventStatus.PUBLISHED, EventStatus.CANCELLED])
    ).order_by(Event.starts_at).order_by(Event.id)


async def all_events_of(series_id: int) -> list[dict[str, Any]]:
    """Every event of the series, drafts too, for its organisers."""
    ids = await event_ids_of(series_id)
    if not ids:
        return []
    return await Event.select(Event.id, Event.slug, Event.title, Event.status, Event.starts_at, Event.ends_at, Event.timezone).where(
        Event.id.is_in(ids)).order_by(Event.starts_at)


async def series_of_organiser(user: CurrentUser, page: int = 1, per_page: int = 25) -> tuple[list[dict[str, Any]], int]:
    """The series of every organisation this user is a member of, by name, a page at a time, with the total."""
    ids = await organisations.member_organisation_ids(user)
    if not ids:
        return [], 0
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    where = Series.organisation.is_in(ids)
    total = await Series.count().where(where)
    rows = await Series.select(*Series.all_columns(), Series.organisation.slug.as_alias("organisation_slug"),
                               Series.organisation.name.as_alias("organisation_name")).where(where).order_by(
        Series.name).order_by(Series.id).limit(per_page).offset((page - 1) * per_page)
    return rows, total


async def counts_of(series_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per series: its events and its confirmed subscribers (organisers see how many, never who)."""
    counts = {series_id: {"events": 0, "subscribers": 0} for series_id in series_ids}
    if not series_ids:
        return counts
    events = SeriesEvent.select(SeriesEvent.series, Count(alias="n")).where(SeriesEvent.series.is_in(series_ids))
    for row in await events.group_by(SeriesEvent.series):
        counts[row["series"]]["events"] = row["n"]
    confirmed = Subscriber.select(Subscriber.series, Count(alias="n")).where(
        Subscriber.series.is_in(series_ids) & Subscriber.confirmed_at.is_not_null())
    for row in await confirmed.group_by(Subscriber.series):
        counts[row["series"]]["subscribers"] = row["n"]
    return counts


async def series_of_event(event_id: int) -> list[dict[str, Any]]:
    """The series an event is in (for its dashboard)."""
    rows = await SeriesEvent.select(
        SeriesEvent.series.id.as_alias("id"), SeriesEvent.series.slug.as_alias("slug"), SeriesEvent.series.name.as_alias("name")
    ).where(SeriesEvent.event == event_id)
    return sorted(rows, key=lambda row: row["name"].casefold())
