"""The orphan sweep of `events purge`: stored files that no version refers to any more."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.materials.storage import Storage
from events.materials.tables import MaterialVersion

ORPHAN_MIN_AGE = timedelta(hours=1)


async def sweep_orphaned_files(storage: Storage, now: datetime, min_age: timedelta = ORPHAN_MIN_AGE) -> int:
    """Deletes stored files no version refers to any more (their session or event was deleted, which removes the
    rows but cannot reach the storage). Only files older than `min_age`: an upload saves its file just before
    its row commits. Returns how many went."""
    known = {row["storage_key"] for row in await MaterialVersion.select(MaterialVersion.storage_key)}
    removed = 0
    for key, saved_at in await storage.stored():
        if key not in known and saved_at <= now - min_age:
            await storage.delete(key)
            removed += 1
    return removed
