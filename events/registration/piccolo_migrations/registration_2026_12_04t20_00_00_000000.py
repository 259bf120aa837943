"""The places taken per event: `registration_places (event, confirmed, waitlisted)`, kept by triggers in the same
transaction as every insert, delete and change of status or event of a registration, whatever code path made it.
Every registration batch reads its event's places; counting them was a scan of the event's whole waiting list
(30,000 waiting: ~3 ms a batch, a third of it). Writers that change a status hold the event's lock first (as the
capacity rule already asks), so on PostgreSQL the counter row is always locked after the event row."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-04T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registration_places"

COUNTED = "('confirmed', 'waitlisted')"
ADD_NEW = (
    "INSERT INTO registration_places (event, confirmed, waitlisted) VALUES (NEW.event, {c}, {w}) "
    "ON CONFLICT (event) DO UPDATE SET confirmed = registration_places.confirmed + excluded.confirmed, "
    "waitlisted = registration_places.waitlisted + excluded.waitlisted"
)
TAKE_OLD = (
    "UPDATE registration_places SET confirmed = confirmed - {c}, waitlisted = waitlisted - {w} WHERE event = OLD.event"
)


def _flags(row: str, postgres: bool) -> dict[str, str]:
    cast = "::int" if postgres else ""
    return {"c": f"({row}.status = 'confirmed'){cast}", "w": f"({row}.status = 'waitlisted'){cast}"}


async def _run(sql: str) -> None:
    await engine_finder().run_querystring(QueryString(sql))


async def _sqlite_triggers() -> None:
    add, take = ADD_NEW.format(**_flags("NEW", False)), TAKE_OLD.format(**_flags("OLD", False))
    await _run(
        "CREATE TRIGGER registration_places_insert AFTER INSERT ON registration_registration "
        f"WHEN NEW.status IN {COUNTED} BEGIN {add}; END"
    )
    await _run(
        "CREATE TRIGGER registration_places_delete AFTER DELETE ON registration_registration "
        f"WHEN OLD.status IN {COUNTED} BEGIN {take}; END"
    )
    await _run(
        "CREATE TRIGGER registration_places_update AFTER UPDATE OF status, event ON registration_registration "
        f"WHEN OLD.status IS NOT NEW.status OR OLD.event IS NOT NEW.event BEGIN {take}; {add}; END"
    )


async def _postgres_trigger() -> None:
    add, take = ADD_NEW.format(**_flags("NEW", True)), TAKE_OLD.format(**_flags("OLD", True))
    await _run(
        "CREATE FUNCTION registration_places_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {COUNTED} THEN {take}; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN {COUNTED} THEN {add}; END IF; "
        "RETURN NULL; END $$"
    )
    await _run(
        "CREATE TRIGGER registration_places AFTER INSERT OR DELETE OR UPDATE OF status, event "
        "ON registration_registration FOR EACH ROW EXECUTE FUNCTION registration_places_count()"
    )


async def create_places() -> None:
    await _run(
        "CREATE TABLE registration_places (event INTEGER PRIMARY KEY REFERENCES programme_event (id) ON DELETE CASCADE, "
        "confirmed INTEGER NOT NULL DEFAULT 0, waitlisted INTEGER NOT NULL DEFAULT 0)"
    )
    await _run(
        "INSERT INTO registration_places (event, confirmed, waitlisted) SELECT event, "
        "SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) "
        f"FROM registration_registration WHERE status IN {COUNTED} GROUP BY event"
    )
    if engine_finder().engine_type == "postgres":
        await _postgres_trigger()
    else:
        await _sqlite_triggers()


async def drop_places() -> None:
    if engine_finder().engine_type == "postgres":
        await _run("DROP TRIGGER IF EXISTS registration_places ON registration_registration")
        await _run("DROP FUNCTION IF EXISTS registration_places_count()")
    else:
        for action in ("insert", "delete", "update"):
            await _run(f"DROP TRIGGER IF EXISTS registration_places_{action}")
    await _run("DROP TABLE IF EXISTS registration_places")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)
    manager.add_raw(create_places)
    manager.add_raw_backwards(drop_places)
    return manager
