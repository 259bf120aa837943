"""Events that ended before the follow-up mail existed keep quiet: their follow-up is switched off, so deploying
this does not mail the participants of past events (an organiser can still send it by hand)."""

from datetime import datetime, timezone

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Timestamptz
from piccolo.table import Table

ID = "2026-12-02T16:38:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "followup_off_for_past_events"


class Event(Table, tablename="programme_event"):
    ends_at = Timestamptz()
    followup_enabled = Boolean(default=True)


async def switch_off_for_past_events() -> None:
    await Event.update({Event.followup_enabled: False}).where(Event.ends_at < datetime.now(timezone.utc))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="programme", description=DESCRIPTION)
    manager.add_raw(switch_off_for_past_events)
    return manager
