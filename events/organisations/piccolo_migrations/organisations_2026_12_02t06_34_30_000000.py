"""One role per person per organisation, also when two owners add the same colleague at once: a UNIQUE index on
(organisation, member). A migration of its own because Piccolo has no composite UNIQUE."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T06:34:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one_membership_per_person"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="organisations", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS organisation_membership_unique "
            "ON organisation_membership (organisation, member)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS organisation_membership_unique")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
