"""Opening a live space: one per session (or one for the whole event), found by its short code, scoped to the
organisation that owns the event."""

from __future__ import annotations

import secrets
import time
from typing import Any

from events.accounts.service import CurrentUser
from events.kernel.database import UNIQUE_VIOLATIONS
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.live.tables import Space
from events.organisations.tables import OrgRole
from events.programme import service as programme

CODE_DIGITS = 6
NO_SPACE = N_("No live space with this code")
SPACE_CLOSED = N_("This live space is closed")


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


async def create_space(
    event: dict[str, Any], session_id: int | None, premoderation: bool = False, anonymous_allowed: bool = True,
) -> dict[str, Any]:
    """A new (closed) space for the event or one of its sessions; a second space for the same target is refused."""
    title = event["title"]
    if session_id is not None:
        session = await programme.session_of_event(event, session_id)
        title = session["title"]
    taken = Space.exists().where(Space.event == event["id"], Space.session.is_null() if session_id is None
                                 else Space.session == session_id)
    if await taken:
        raise RuleViolation(N_("This session already has a live space"), {"session_id": N_("Already has a space")},
                            status_code=409)
    for _ in range(20):
        try:
            rows = await Space.insert(Space(
                event=event["id"], session=session_id, code=_new_code(), title=title, premoderation=premoderation,
                anonymous_allowed=anonymous_allowed,
            )).returning(Space.id)
        except UNIQUE_VIOLATIONS:
            continue  # the code was taken: draw another
        return await space_by_id(rows[0]["id"])
    raise RuleViolation(N_("No free code; try again"), status_code=503)


async def space_by_id(space_id: int) -> dict[str, Any]:
    row = await Space.select().where(Space.id == space_id).first()
    if row is None:
        raise NotFound(NO_SPACE)
    return row


async def spaces_of_event(event_id: int) -> list[dict[str, Any]]:
    return await Space.select().where(Space.event == event_id).order_by(Space.id)


async def space_of_session(session_id: int) -> dict[str, Any] | None:
    return await Space.select().where(Space.session == session_id).first()


async def space_for_organiser(
    space_id: int, user: CurrentUser, needed: OrgRole = OrgRole.EDITOR,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The space and its event for a member of the event's organisation with at least `needed`; another
    organisation's space is NotFound (as a missing one), a weaker role Forbidden."""
    space = await Space.select().where(Space.id == space_id).first()
    event = await programme.event_by_id(space["event"]) if space else None
    await programme.require_event_role(event, user, needed, missing=NO_SPACE)
    return space, event


async def may_moderate(space: dict[str, Any], user: CurrentUser | None) -> bool:
    event = await programme.event_by_id(space["event"])
    return event is not None and await programme.may_edit(event, user)


async def set_open(space_id: int, is_open: bool) -> dict[str, Any]:
    await Space.update({Space.is_open: is_open}).where(Space.id == space_id)
    return await space_by_id(space_id)


async def space_by_code(code: str, must_be_open: bool = True) -> dict[str, Any]:
    """The space behind a participant's code: NotFound for an unknown code, refused (409) while it is closed."""
    row = await Space.select().where(Space.code == code.strip()).first() if code.strip().isdigit() else None
    if row is None:
        raise NotFound(NO_SPACE)
    if must_be_open and not row["is_open"]:
        raise RuleViolation(SPACE_CLOSED, status_code=409)
    return row


_by_code: dict[str, tuple[float, dict[str, Any]]] = {}
BY_CODE_TTL_S = 2.0


async def known_space(code: str) -> dict[str, Any]:
    """`space_by_code` (open spaces only), remembered per process for a moment: the code is read once per burst of
    votes, not once per vote. Whether the space is still open is decided again by each vote's own statement."""
    now = time.monotonic()
    known = _by_code.get(code)
    if known is not None and now - known[0] < BY_CODE_TTL_S:
        return known[1]
    space = await space_by_code(code)
    if len(_by_code) > 10_000:
        _by_code.clear()
    _by_code[code] = (now, space)
    return space
