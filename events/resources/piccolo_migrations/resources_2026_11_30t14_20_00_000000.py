"""The database itself keeps one link per (event, resource) and per (session, resource): two organisers attaching
the same resource at the same moment can no longer both insert. Duplicates an older database may hold are merged
first (the earliest link stays)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T14:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique_resource_links"

LINKS = (("resources_event_resource", "event"), ("resources_session_resource", "session"))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="resources", description=DESCRIPTION)

    async def create_indexes():
        # Ask for the engine each time: a table class here would keep the first database it ever saw.
        engine = engine_finder()
        for table, owner in LINKS:
            await engine.run_ddl(
                f"DELETE FROM {table} WHERE id NOT IN (SELECT MIN(id) FROM {table} GROUP BY {owner}, resource)"
            )
            await engine.run_ddl(f"CREATE UNIQUE INDEX {table}_unique ON {table} ({owner}, resource)")

    async def drop_indexes():
        engine = engine_finder()
        for table, _owner in LINKS:
            await engine.run_ddl(f"DROP INDEX {table}_unique")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
