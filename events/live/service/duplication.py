"""The live domain's part of duplicating an event (programme.on_event_duplicate): the live spaces of the event
and its sessions, closed and with new codes, and the polls prepared in them, back in draft. Participants,
questions, votes, answers and ratings stay with the source."""

from __future__ import annotations

import json

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.live.service.spaces import _new_code
from events.live.tables import Poll, PollState, Space
from events.programme.service import Duplication

CODE_ATTEMPTS = 20


async def _new_space(values: dict) -> int:
    for _ in range(CODE_ATTEMPTS):
        exists = await Space.exists().where(Space.code == (code := _new_code()))
        if not exists:
            rows = await Space.insert(Space(**values, code=code)).returning(Space.id)
            return rows[0]["id"]
    raise RuleViolation(N_("No free code; try again"), status_code=503)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


async def copy_spaces(duplication: Duplication) -> None:
    spaces = await Space.select().where(Space.event == duplication.source["id"]).order_by(Space.id)
    for space in spaces:
        if space["session"] is not None and space["session"] not in duplication.sessions:
            continue
        space_id = await _new_space({
            "event": duplication.copy["id"], "session": duplication.sessions.get(space["session"]) if space["session"] else None,
            "title": space["title"], "is_open": False, "premoderation": space["premoderation"],
            "anonymous_allowed": space["anonymous_allowed"], "created_at": duplication.now,
        })
        for poll in await Poll.select().where(Poll.space == space["id"]).order_by(Poll.id):
            await Poll(
                space=space_id, kind=poll["kind"], question=poll["question"], options=_json(poll["options"]),
                state=PollState.DRAFT.value, revealed=poll["revealed"], hidden_words=_json(poll["hidden_words"]),
                open_in=None, created_at=duplication.now,
            ).save()
