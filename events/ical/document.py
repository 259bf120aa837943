"""A finished .ics file and what a conditional GET needs of it (plain values; the web layer sends it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from events.ical.build.calendar_file import in_utc
from events.ical.build.feeds import etag_of


@dataclass(frozen=True)
class CalendarDocument:
    """Bytes of one .ics and what conditional GET needs."""

    data: bytes
    last_modified: datetime | None
    filename: str

    @property
    def etag(self) -> str:
        return etag_of(self.data)


def latest(rows: Iterable[Mapping[str, Any]], keys: tuple[str, ...] = ("updated_at", "created_at")) -> datetime | None:
    """The newest of these rows' timestamps: the file's Last-Modified."""
    stamps = [in_utc(r[k]) for r in rows for k in keys if r.get(k)]
    return max(stamps) if stamps else None


def webcal(url: str) -> str:
    """The same address with the webcal scheme, which makes calendar apps offer to subscribe."""
    parts = urlsplit(url)
    return "webcal://" + parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")
