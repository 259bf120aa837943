"""Small builders for the resources tests: resources and events written straight to the tables."""

from __future__ import annotations

from datetime import timedelta

from events.programme.tables import Event, Session
from events.resources import service
from events.resources.rows import ResourceRow
from tests.conftest import NOW, home_organisation


async def make_resource(title="Weerbaarheidsscan", url=None, aspect="voorbereiding", kind="scan", **extra) -> ResourceRow:
    data = {"title": title, "url": url or f"https://www.weerbareoverheid.nl/{title.lower().replace(' ', '-')}",
            "aspect": aspect, "kind": kind, **extra}
    return await service.create_resource(data, None, NOW)


async def make_event(organiser, slug="weerbare-organisatie", status="published", **extra) -> dict:
    event = Event(slug=slug, title=extra.pop("title", "Weerbare organisatie"), status=status, organiser=organiser.id,
                  organisation=await home_organisation(organiser.id), reminder_minutes="1440,60",  # a new event's schedule
                  starts_at=NOW + timedelta(days=35), ends_at=NOW + timedelta(days=35, hours=4),
                  join_url="https://meet.example.nl/geheim-123", **extra)
    await event.save()
    return await Event.select().where(Event.id == event.id).first()


async def make_session(event: dict, title="Keynote") -> dict:
    session = Session(event=event["id"], title=title, starts_at=event["starts_at"], ends_at=event["ends_at"])
    await session.save()
    return await Session.select().where(Session.id == session.id).first()
