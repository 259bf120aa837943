"""Drops the own index of live_space.code, live_participant.token_hash: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated live indexes"
REPEATED = (
    ("Space", "live_space", "code", Varchar),
    ("Participant", "live_participant", "token_hash", Varchar),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="live", description=DESCRIPTION), REPEATED)
