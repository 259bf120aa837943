"""Content versions: triggers that bump `materials` (events.kernel.content_versions) in the same transaction as any
change to materials and their versions, so the cached event page shows a release or a withdrawal at once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-02T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "content_versions"

TABLES = ("materials_material", "materials_version")


async def _run(sql: str) -> None:
    await engine_finder().run_querystring(QueryString(sql))


async def install_bump_triggers() -> None:
    postgres = engine_finder().engine_type == "postgres"
    await _run("INSERT INTO content_version (name, version) VALUES ('materials', 1)")
    for table in TABLES:
        if postgres:
            await _run(
                f"CREATE TRIGGER content_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump('materials')"
            )
            continue
        for action in ("INSERT", "UPDATE", "DELETE"):
            await _run(
                f"CREATE TRIGGER content_version_{table}_{action.lower()} AFTER {action} ON {table} BEGIN "
                "UPDATE content_version SET version = version + 1 WHERE name = 'materials'; END"
            )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="materials", description=DESCRIPTION)
    manager.add_raw(install_bump_triggers)
    return manager
