"""Schema changes that several apps' migrations make alike. Migrations that ran call these: change one only in a
way that gives the same schema (a new kind of change is a new function)."""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import Column

# (table class name, table name, column name, column class) of a column whose own index a migration drops.
OwnIndex = tuple[str, str, str, type[Column]]


def drop_own_indexes(manager: MigrationManager, columns: tuple[OwnIndex, ...]) -> MigrationManager:
    """Drops each column's own index (`index=True` → False): one that repeated another index of its table (its
    UNIQUE constraint's, or a UNIQUE or composite index that starts with the column; `tests/test_database.py`
    keeps the schema free of them). As an `alter_column`, so Piccolo's picture of the schema follows."""
    for class_name, tablename, column_name, column_class in columns:
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
