"""Reminder texts per event (`reminder_texts`), and the standard schedule (a day and an hour before) for events
that had none: until now every event sent a reminder mail a day before, whatever its calendar alarms."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T13:25:04:031089"
VERSION = "1.38.0"
DESCRIPTION = "reminder_texts"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="programme", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Event",
        tablename="programme_event",
        column_name="reminder_texts",
        db_column_name="reminder_texts",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "{}",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    async def standard_schedule():
        from piccolo.engine import engine_finder  # noqa: PLC0415 - a migration reads the engine when it runs

        await engine_finder().run_ddl("UPDATE programme_event SET reminder_minutes = '1440,60' WHERE reminder_minutes = ''")

    manager.add_raw(standard_schedule)
    return manager
