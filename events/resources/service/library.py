"""Finding resources in the library: filters and search, one resource, choices for select boxes, grouping by
aspect, the quiz's "learn more" link and how often each resource is linked. Retired resources are hidden unless
asked for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.resources.rows import LearnMoreLink, ResourceRow
from events.resources.service.vocabulary import ASPECTS
from events.resources.tables import EventResource, Resource, SessionResource


def _search_terms(q: str | None) -> list[str]:
    # LIKE wildcards from a visitor would match everything: treat them as separators.
    cleaned = (q or "").translate(str.maketrans({"%": " ", "_": " ", "\\": " "}))
    return [w for w in cleaned.lower().split() if w][:8]


def in_aspect_order(rows: list[ResourceRow]) -> list[ResourceRow]:
    order = {key: i for i, key in enumerate(ASPECTS)}
    return sorted(rows, key=lambda r: (order.get(r.aspect, 99), r.title.lower(), r.id))


async def list_resources(
    aspect: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    language: str | None = None,
    tag: str | None = None,
    include_retired: bool = False,
    broken_only: bool = False,
    retired_only: bool = False,
    keepers: Iterable[int] | None = None,
) -> list[ResourceRow]:
    """Resources matching every filter given, by aspect order then title. Unknown aspect/kind match nothing.
    With `keepers`, only the shared library and the entries of those organisations (`[]`: shared only)."""
    query = Resource.select()
    if keepers is not None:
        query = query.where(_kept_by(keepers))
    if aspect:
        query = query.where(Resource.aspect == aspect)
    if kind:
        query = query.where(Resource.kind == kind)
    if language:
        query = query.where(Resource.language == language)
    if retired_only:
        query = query.where(Resource.retired_at.is_not_null())
    elif not include_retired:
        query = query.where(Resource.retired_at.is_null())
    if broken_only:
        query = query.where(Resource.broken == True)  # noqa: E712 - Piccolo builds SQL from ==
    for word in _search_terms(q):
        pattern = f"%{word}%"
        query = query.where(
            Resource.title.ilike(pattern) | Resource.summary.ilike(pattern) | Resource.tags.ilike(pattern)
        )
    rows = [ResourceRow.from_row(r) for r in await query.order_by(Resource.title).order_by(Resource.id)]
    if tag:
        wanted = tag.strip().lower()
        rows = [r for r in rows if wanted in r.tag_names]
    return in_aspect_order(rows)


async def get_resource(resource_id: int, include_retired: bool = False) -> ResourceRow:
    """One resource; raises NotFound (also for a retired one unless `include_retired`)."""
    row = await Resource.select().where(Resource.id == resource_id).first()
    if row is None or (row["retired_at"] is not None and not include_retired):
        raise NotFound(N_("No resource with this number"))
    return ResourceRow.from_row(row)


def _kept_by(keepers: Iterable[int]) -> Any:
    """Where-clause: shared entries, or entries kept by one of these organisations."""
    ids = list(keepers)
    return Resource.organisation.is_null() | Resource.organisation.is_in(ids) if ids else Resource.organisation.is_null()


async def resource_choices(include: Iterable[int] = (), keepers: Iterable[int] | None = None) -> list[tuple[int, str]]:
    """(id, "title (aspect)") for select boxes: every live resource, plus the retired ones in `include`
    (so a form for an existing link still shows what it points at); with `keepers`, only shared entries and those
    organisations' own."""
    keep = set(include)
    query = Resource.select(Resource.id, Resource.title, Resource.aspect, Resource.retired_at).order_by(Resource.title)
    rows = await (query.where(_kept_by(keepers)) if keepers is not None else query)
    return [
        (r["id"], f"{r['title']} ({r['aspect']})")
        for r in rows
        if r["retired_at"] is None or r["id"] in keep
    ]


def group_by_aspect(rows: list[ResourceRow]) -> list[tuple[str, list[ResourceRow]]]:
    """[(aspect, rows)] in the platform's aspect order, empty aspects left out."""
    return [(aspect, [r for r in rows if r.aspect == aspect]) for aspect in ASPECTS if any(r.aspect == aspect for r in rows)]


async def choices_by_aspect(
    exclude: Iterable[int] = (), keepers: Iterable[int] | None = None
) -> list[tuple[str, list[tuple[int, str]]]]:
    """[(aspect, [(id, title)])] of live resources for a grouped select box, leaving out `exclude` (already
    linked); with `keepers`, only shared entries and those organisations' own."""
    skip = set(exclude)
    rows = await list_resources(keepers=keepers)
    return [(aspect, [(r.id, r.title) for r in group if r.id not in skip])
            for aspect, group in group_by_aspect(rows) if any(r.id not in skip for r in group)]


async def learn_more(resource_id: int | None) -> LearnMoreLink | None:
    """The link of a live resource, for a quiz question's "learn more"; None when absent or retired."""
    if resource_id is None:
        return None
    row = await Resource.select(Resource.url, Resource.title).where(
        (Resource.id == resource_id) & Resource.retired_at.is_null()
    ).first()
    return LearnMoreLink(url=row["url"], title=row["title"]) if row else None


async def link_counts() -> dict[int, int]:
    """resource id -> how many events and sessions link to it (for the editor)."""
    counts: dict[int, int] = {}
    for table in (EventResource, SessionResource):
        for r in await table.select(table.resource):
            counts[r["resource"]] = counts.get(r["resource"], 0) + 1
    return counts
