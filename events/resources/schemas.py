"""API shapes of the resources domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from events.resources.rows import ResourceRow


class LinkHealth(msgspec.Struct):
    broken: bool
    checked_at: datetime | None
    status: int | None
    error: str
    elapsed_ms: int | None


class ResourceOut(msgspec.Struct, omit_defaults=True):
    id: int
    title: str
    url: str
    summary: str
    aspect: str
    kind: str
    language: str
    tags: list[str]
    # Only in answers to organisers:
    retired_at: datetime | None = None
    link_health: LinkHealth | None = None
    shared: bool | None = None  # True: the platform's shared library (admins edit it); False: an organisation's own


class ResourceIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    url: str
    aspect: str
    kind: str
    summary: str = ""
    language: str = "nl"
    tags: list[str] | str = msgspec.field(default_factory=list)
    # The slug of the organisation that keeps this entry; left out: the shared library (admins) or your only one.
    organisation: str | None = None


class ResourcePatch(msgspec.Struct, forbid_unknown_fields=True):
    title: str | UnsetType = UNSET
    url: str | UnsetType = UNSET
    aspect: str | UnsetType = UNSET
    kind: str | UnsetType = UNSET
    summary: str | UnsetType = UNSET
    language: str | UnsetType = UNSET
    tags: list[str] | str | UnsetType = UNSET


class ResourceLink(msgspec.Struct, forbid_unknown_fields=True):
    resource_id: int


class ImportResult(msgspec.Struct):
    loaded: int


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    return {name: value for name in data.__struct_fields__ if (value := getattr(data, name)) is not UNSET}


def resource_out(row: ResourceRow, for_organiser: bool = False) -> ResourceOut:
    out = ResourceOut(
        id=row.id, title=row.title, url=row.url, summary=row.summary, aspect=row.aspect, kind=row.kind,
        language=row.language, tags=row.tag_names,
    )
    if for_organiser:
        out.retired_at = row.retired_at
        out.shared = row.organisation is None
        out.link_health = LinkHealth(
            broken=row.broken, checked_at=row.last_checked_at, status=row.last_status, error=row.last_error,
            elapsed_ms=row.last_elapsed_ms,
        )
    return out
