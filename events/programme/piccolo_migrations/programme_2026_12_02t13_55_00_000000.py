"""Content versions (events.kernel.content_versions): the counter table, and triggers that bump `programme` in the
same transaction as any change to events, sessions, session speakers, users (speakers) and organisations."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-02T13:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "content_versions"

TABLES = ("programme_event", "programme_session", "programme_session_speaker", "account_user", "organisation")


async def _run(sql: str) -> None:
    await engine_finder().run_querystring(QueryString(sql))


async def install_bump_triggers(name: str, tables: tuple[str, ...]) -> None:
    """AFTER INSERT/UPDATE/DELETE on each table: `content_version.version += 1` for `name`."""
    postgres = engine_finder().engine_type == "postgres"
    for table in tables:
        if postgres:
            await _run(
                f"CREATE TRIGGER content_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump('{name}')"
            )
            continue
        for action in ("INSERT", "UPDATE", "DELETE"):
            await _run(
                f"CREATE TRIGGER content_version_{table}_{action.lower()} AFTER {action} ON {table} BEGIN "
                f"UPDATE content_version SET version = version + 1 WHERE name = '{name}'; END"
            )


async def create_versions() -> None:
    await _run("CREATE TABLE content_version (name VARCHAR(40) PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0)")
    await _run("INSERT INTO content_version (name, version) VALUES ('programme', 1), ('library', 1)")
    if engine_finder().engine_type == "postgres":
        await _run(
            "CREATE FUNCTION content_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE content_version SET version = version + 1 WHERE name = TG_ARGV[0]; RETURN NULL; END $$"
        )
    await install_bump_triggers("programme", TABLES)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="programme", description=DESCRIPTION)
    manager.add_raw(create_versions)
    return manager
