"""Session ratings: 1–5 stars and an optional comment, one per participant token (UNIQUE `once`); organisers see
averages, counts and comments per session."""

from __future__ import annotations

from typing import Any

from events.kernel.database import UNIQUE_VIOLATIONS
from events.kernel.errors import Conflict, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters
from events.live.tables import Rating, Space

COMMENT_MAX = 1000


async def rate(space: dict[str, Any], participant: dict[str, Any], stars: Any, comment: str | None) -> None:
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise RuleViolation(N_("Give 1 to 5 stars"), {"stars": N_("1 to 5")})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX or has_control_characters(comment, multiline=True):
        raise RuleViolation(N_("A comment has at most 1000 characters"), {"comment": N_("At most 1000 characters")})
    try:
        await Rating.insert(Rating(space=space["id"], participant=participant["id"], stars=stars, comment=comment,
                                   once=f"{space['id']}:{participant['id']}"))
    except UNIQUE_VIOLATIONS:
        raise Conflict(N_("You already rated this session")) from None


async def ratings_of_event(event_id: int) -> list[dict[str, Any]]:
    """Per space of the event: its title, session, number of ratings, mean stars and the comments."""
    summary = []
    for space in await Space.select().where(Space.event == event_id).order_by(Space.id):
        rows = await Rating.select(Rating.stars, Rating.comment, Rating.rated_at).where(Rating.space == space["id"])
        summary.append({
            "space_id": space["id"], "session_id": space["session"], "title": space["title"], "count": len(rows),
            "mean": round(sum(r["stars"] for r in rows) / len(rows), 2) if rows else None,
            "comments": [r["comment"] for r in rows if r["comment"]],
        })
    return summary
