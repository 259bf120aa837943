"""The queue's index: (event, status, queued_at, id). The places taken (counted for every batch of a rush) and a
waiting-list position (every manage page and repeated registration of a waitlisted person) read it instead of the
event's rows: with 13,000 on a waiting list a position took 2.7 ms, a full scan of the event's registrations.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "queue_index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def create_index():
        from piccolo.engine import engine_finder

        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS registration_queue "
            "ON registration_registration (event, status, queued_at, id)"
        )

    async def drop_index():
        from piccolo.engine import engine_finder

        await engine_finder().run_ddl("DROP INDEX IF EXISTS registration_queue")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
