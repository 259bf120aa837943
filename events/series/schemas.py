"""API shapes of the series domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from events.programme.schemas import PublicEvent


class SeriesWrite(msgspec.Struct, forbid_unknown_fields=True):
    """A new series. `organisation` (a slug) is needed when you edit in several organisations."""

    name: str
    description: str = ""
    slug: str | None = None
    organisation: str | None = None


class SeriesPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET


class SeriesEventAdd(msgspec.Struct, forbid_unknown_fields=True):
    event: str  # the slug of an event of the series' organisation


class OrganiserSeries(msgspec.Struct):
    """A series as its organisation's members see it: with the number of its events and confirmed subscribers."""

    slug: str
    name: str
    description: str
    organisation: str
    url: str
    calendar_url: str
    events: int
    subscribers: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any], counts: dict[str, int], base_url: str) -> OrganiserSeries:
        url = f"{base_url.rstrip('/')}/series/{row['slug']}"
        return cls(slug=row["slug"], name=row["name"], description=row["description"], organisation=row["organisation_slug"],
                   url=url, calendar_url=f"{url}/calendar.ics", events=counts["events"], subscribers=counts["subscribers"],
                   created_at=row["created_at"], updated_at=row["updated_at"])


class PublicSeries(msgspec.Struct):
    """A series for anyone: its published (and cancelled) events, soonest first; never a join URL."""

    slug: str
    name: str
    description: str
    organisation: str
    url: str
    calendar_url: str
    events: list[PublicEvent]
