"""Series: one row per (series, event), (series, address) and (subscriber, event) as UNIQUE indexes, and the
`series` content version (events.kernel.content_versions) bumped by triggers in the same transaction as any
change to a series or its events, so the public series page and feed show a change at the next request."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-02T16:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "series_rules"

TABLES = ("series_series", "series_event")


async def _run(sql: str) -> None:
    await engine_finder().run_querystring(QueryString(sql))


async def install() -> None:
    await _run("CREATE UNIQUE INDEX series_event_once ON series_event (series, event)")
    await _run("CREATE UNIQUE INDEX series_subscriber_once ON series_subscriber (series, email)")
    await _run("CREATE UNIQUE INDEX series_notice_once ON series_notice (subscriber, event)")
    await _run("INSERT INTO content_version (name, version) VALUES ('series', 1)")
    postgres = engine_finder().engine_type == "postgres"
    for table in TABLES:
        if postgres:
            await _run(
                f"CREATE TRIGGER content_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump('series')"
            )
            continue
        for action in ("INSERT", "UPDATE", "DELETE"):
            await _run(
                f"CREATE TRIGGER content_version_{table}_{action.lower()} AFTER {action} ON {table} BEGIN "
                "UPDATE content_version SET version = version + 1 WHERE name = 'series'; END"
            )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="series", description=DESCRIPTION)
    manager.add_raw(install)
    return manager
