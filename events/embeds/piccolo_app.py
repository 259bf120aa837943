"""Piccolo app of the embeds domain."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="embeds",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["events.embeds.tables"], exclude_imported=True),
    migration_dependencies=["events.organisations.piccolo_app"],
    commands=[],
)
