"""Typed rows the resources service hands to routes, templates and the quiz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict


@dataclass(frozen=True)
class ResourceRow:
    """One resource of the library, with the verdict of the last link check."""

    id: int
    title: str
    url: str
    summary: str
    aspect: str  # an Aspect
    kind: str  # a ResourceKind
    language: str
    tags: str  # comma-separated, lower case
    retired_at: datetime | None
    created_by: int | None
    organisation: int | None  # None: the shared library
    created_at: datetime
    updated_at: datetime
    last_checked_at: datetime | None
    last_status: int | None
    last_error: str
    last_elapsed_ms: int | None
    broken: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ResourceRow:
        return cls(**row)

    @property
    def tag_names(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]


class LearnMoreLink(TypedDict):
    """A quiz question's "learn more" link, as the reveal message carries it."""

    url: str
    title: str
