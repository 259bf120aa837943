"""Indexes of registrations that repeated others: `token_hash` had its own index beside the one its UNIQUE
constraint makes, and `event` is the first column of the UNIQUE (event, email_normalised) index (and of the
waiting-list index), which serves every lookup by event. Each new registration wrote both for nothing: on SQLite
a rush's INSERT took ~33 µs a row with them and ~22 µs without, and its commit 1.6 ms instead of 1.0 ms. The sent
reminders' and follow-ups' `registration` index repeated their UNIQUE indexes, which start with it
(tests/test_database.py keeps the schema free of repeated indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Varchar

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated registration indexes"
REPEATED = (
    ("Registration", "registration_registration", "token_hash", Varchar),
    ("Registration", "registration_registration", "event", ForeignKey),
    ("ReminderSent", "registration_reminder_sent", "registration", ForeignKey),
    ("FollowupSent", "registration_followup_sent", "registration", ForeignKey),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION), REPEATED)
