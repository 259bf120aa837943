"""Events' addresses: a readable slug from the title, made unique; it never changes once the event exists."""

from __future__ import annotations

from events.kernel.text import slugify
from events.programme.tables import Event

__all__ = ["slugify", "unique_slug"]

async def unique_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`, … : the first one no event has yet."""
    taken = {
        row["slug"]
        for row in await Event.select(Event.slug).where((Event.slug == base) | Event.slug.like(f"{base}-%"))
    }
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
