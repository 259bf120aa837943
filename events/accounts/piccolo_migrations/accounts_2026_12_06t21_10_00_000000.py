"""Drops the own index of account_user.email, account_api_token.token_hash, account_personal_link.token_hash: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated accounts indexes"
REPEATED = (
    ("User", "account_user", "email", Varchar),
    ("ApiToken", "account_api_token", "token_hash", Varchar),
    ("PersonalLink", "account_personal_link", "token_hash", Varchar),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION), REPEATED)
