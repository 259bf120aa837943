"""Indexes that repeated others: a column's own index beside the one its UNIQUE constraint makes, or beside a
UNIQUE or composite index that starts with the column. Every insert wrote both for nothing; lookups use the other
(tests/test_database.py keeps the schema free of them)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Varchar

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated indexes"
REPEATED = (
    ("Series", "series_series", "slug", Varchar),
    ("Subscriber", "series_subscriber", "series", ForeignKey),
    ("SeriesEvent", "series_event", "series", ForeignKey),
    ("SubscriberToken", "series_subscriber_token", "token_hash", Varchar),
    ("SeriesNotice", "series_notice", "subscriber", ForeignKey),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="series", description=DESCRIPTION)
    for class_name, tablename, column_name, column_class in REPEATED:
        manager.alter_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column_name,
            db_column_name=column_name,
            params={"index": False},
            old_params={"index": True},
            column_class=column_class,
            old_column_class=column_class,
            schema=None,
        )
    return manager
