"""A follow-up mail goes once per registration, also when two workers (or a worker and the organiser's "send
now") race: a UNIQUE index on registration. Its own migration: raw SQL must run after the table exists."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T16:38:47:000000"
VERSION = "1.38.0"
DESCRIPTION = "one_followup_each"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def create_index():
        from piccolo.engine import engine_finder  # noqa: PLC0415 - a migration reads the engine when it runs

        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS registration_followup_sent_unique ON registration_followup_sent (registration)"
        )

    async def drop_index():
        from piccolo.engine import engine_finder  # noqa: PLC0415 - a migration reads the engine when it runs

        await engine_finder().run_ddl("DROP INDEX IF EXISTS registration_followup_sent_unique")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
