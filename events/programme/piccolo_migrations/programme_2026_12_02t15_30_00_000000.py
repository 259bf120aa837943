"""Content versions: the per-organisation speaker profiles (programme_speaker_profile) are shown in programmes,
so a change to them bumps `programme` like a change to the accounts' names did."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from events.programme.piccolo_migrations.programme_2026_12_02t13_55_00_000000 import install_bump_triggers

ID = "2026-12-02T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "speaker_profile_versions"


async def bump_on_profile_changes() -> None:
    await install_bump_triggers("programme", ("programme_speaker_profile",))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="programme", description=DESCRIPTION)
    manager.add_raw(bump_on_profile_changes)
    return manager
