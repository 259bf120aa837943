"""The series' part of duplicating an event (programme.on_event_duplicate): the copy joins every series its
source is in, so the next webinar made from the last one is in the series at once (a draft, so its subscribers
hear of it when it is published)."""

from __future__ import annotations

from events.kernel.database import insert_rows
from events.programme.service import Duplication
from events.series.tables import SeriesEvent


async def copy_memberships(duplication: Duplication) -> None:
    rows = await SeriesEvent.select(SeriesEvent.series).where(SeriesEvent.event == duplication.source["id"])
    await insert_rows(SeriesEvent, [
        SeriesEvent(series=row["series"], event=duplication.copy["id"], added_at=duplication.now) for row in rows
    ], returning=())
