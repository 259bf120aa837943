"""One e-mail registers once per event, also when two requests race: a UNIQUE index on (event, email_normalised).

A migration of its own because Piccolo has no composite UNIQUE and raw SQL must run after the table exists.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one_registration_per_email"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def create_index():
        from piccolo.engine import engine_finder

        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS registration_event_email_unique "
            "ON registration_registration (event, email_normalised)"
        )

    async def drop_index():
        from piccolo.engine import engine_finder

        await engine_finder().run_ddl("DROP INDEX IF EXISTS registration_event_email_unique")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
