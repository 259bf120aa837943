"""Drops the own index of resources_event_resource.event, resources_session_resource.session: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated resources indexes"
REPEATED = (
    ("EventResource", "resources_event_resource", "event", ForeignKey),
    ("SessionResource", "resources_session_resource", "session", ForeignKey),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="resources", description=DESCRIPTION), REPEATED)
