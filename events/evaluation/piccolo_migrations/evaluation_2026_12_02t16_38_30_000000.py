"""One key per question of an event's evaluation (the answers are stored under it): a UNIQUE index on (event, key).
A migration of its own because Piccolo has no composite UNIQUE (and raw steps run before the tables are made)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T16:38:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one_key_per_question"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="evaluation", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS evaluation_question_key_unique ON evaluation_question (event, key)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS evaluation_question_key_unique")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
