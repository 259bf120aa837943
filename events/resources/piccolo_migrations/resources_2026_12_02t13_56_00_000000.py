"""Content versions: triggers that bump `library` (events.kernel.content_versions) in the same transaction as any
change to the library's resources and their links to events and sessions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-02T13:56:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "content_versions"

TABLES = ("resources_resource", "resources_event_resource", "resources_session_resource")


async def _run(sql: str) -> None:
    await engine_finder().run_querystring(QueryString(sql))


async def install_bump_triggers() -> None:
    postgres = engine_finder().engine_type == "postgres"
    for table in TABLES:
        if postgres:
            await _run(
                f"CREATE TRIGGER content_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump('library')"
            )
            continue
        for action in ("INSERT", "UPDATE", "DELETE"):
            await _run(
                f"CREATE TRIGGER content_version_{table}_{action.lower()} AFTER {action} ON {table} BEGIN "
                "UPDATE content_version SET version = version + 1 WHERE name = 'library'; END"
            )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="resources", description=DESCRIPTION)
    manager.add_raw(install_bump_triggers)
    return manager
