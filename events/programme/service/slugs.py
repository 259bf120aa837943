"""Events' addresses: a readable slug from the title, made unique; it never changes once the event exists."""

from __future__ import annotations

import re
import unicodedata

from events.programme.tables import Event

# Letters that Unicode does not decompose into a base letter plus accent.
_UNDECOMPOSABLE = str.maketrans(
    {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
     "þ": "th", "ð": "d", "ı": "i"}
)


def slugify(title: str) -> str:
    """A readable address from a title: diacritics folded ("Café Één" -> "cafe-een"), lower case, hyphens."""
    folded = unicodedata.normalize("NFKD", title.translate(_UNDECOMPOSABLE)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    slug = slug[:80].rstrip("-")
    return slug or "evenement"


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
