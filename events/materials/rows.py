"""Typed rows the materials service hands to routes and to other domains' pages: a material with its versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.materials.tables import Release, Visibility


@dataclass(frozen=True)
class VersionRow:
    """One uploaded file of a material: what storage keeps and what a download sends."""

    id: int
    material: int
    version: int
    storage_key: str
    original_name: str
    content_type: str
    kind: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by_name: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> VersionRow:
        return cls(**row)


@dataclass(frozen=True)
class MaterialRow:
    """A speaker's file on a session, with its current version and every version (newest first)."""

    id: int
    session: int
    event: int
    visibility: Visibility
    release: Release
    release_at: datetime | None
    current_version: int
    created_at: datetime
    updated_at: datetime
    current: VersionRow
    versions: tuple[VersionRow, ...]
