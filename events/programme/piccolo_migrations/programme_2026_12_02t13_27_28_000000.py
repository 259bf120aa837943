"""Each organisation that has a speaker on its sessions gets its own profile of the speaker (name, affiliation,
biography), seeded from the account's current values."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-02T13:27:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "seed_speaker_profiles"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="programme", description=DESCRIPTION)

    async def seed_profiles_from_accounts():
        await engine_finder().run_querystring(QueryString(
            "INSERT INTO programme_speaker_profile (organisation, speaker, name, affiliation, bio) "
            "SELECT DISTINCT e.organisation, u.id, u.name, u.organisation, u.bio "
            "FROM programme_session_speaker ss JOIN programme_session s ON s.id = ss.session "
            "JOIN programme_event e ON e.id = s.event JOIN account_user u ON u.id = ss.speaker "
            "WHERE e.organisation IS NOT NULL"
        ))

    manager.add_raw(seed_profiles_from_accounts)
    return manager
