"""Content versions: an event's registration questions are read with its programme (the manage page and the form
remember them while `programme` stands still), so a change to them bumps `programme` too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from events.programme.piccolo_migrations.programme_2026_12_02t13_55_00_000000 import install_bump_triggers

ID = "2026-12-03T06:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "question_versions"


async def bump_on_question_changes() -> None:
    await install_bump_triggers("programme", ("registration_question",))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)
    manager.add_raw(bump_on_question_changes)
    return manager
