"""Each domain's Piccolo app in one line: `APP_CONFIG = domain_app(__name__, "accounts", "programme")` in its
`piccolo_app.py`; its tables are its `tables` module's, its migrations its `piccolo_migrations` folder, and it
migrates after the domains it names."""

from __future__ import annotations

import sys
from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder


def domain_app(module_name: str, *after: str) -> AppConfig:
    """The Piccolo app of the domain whose `piccolo_app` module is `module_name` (`events.<domain>.piccolo_app`),
    migrating after the domains named in `after`."""
    package = module_name.rpartition(".")[0]
    folder = Path(sys.modules[module_name].__file__).parent  # the module is being imported: it is there
    return AppConfig(
        app_name=package.rpartition(".")[2],
        migrations_folder_path=str(folder / "piccolo_migrations"),
        table_classes=table_finder(modules=[f"{package}.tables"], exclude_imported=True),
        migration_dependencies=[f"events.{domain}.piccolo_app" for domain in after],
        commands=[],
    )
