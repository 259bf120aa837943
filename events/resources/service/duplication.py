"""The library's part of duplicating an event (programme.on_event_duplicate): the resources linked to the event
and to each of its sessions, in their order."""

from __future__ import annotations

from events.kernel.database import insert_rows
from events.programme.service import Duplication
from events.resources.tables import EventResource, SessionResource


async def copy_links(duplication: Duplication) -> None:
    links = await EventResource.select().where(EventResource.event == duplication.source["id"]).order_by(EventResource.id)
    await insert_rows(EventResource, [
        EventResource(event=duplication.copy["id"], resource=link["resource"], position=link["position"]) for link in links
    ], returning=())
    if not duplication.sessions:
        return
    session_links = await SessionResource.select().where(
        SessionResource.session.is_in(list(duplication.sessions))
    ).order_by(SessionResource.id)
    await insert_rows(SessionResource, [
        SessionResource(session=duplication.sessions[link["session"]], resource=link["resource"], position=link["position"])
        for link in session_links
    ], returning=())
