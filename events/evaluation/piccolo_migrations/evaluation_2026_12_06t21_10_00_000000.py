"""Drops the own index of evaluation_answered.registration, evaluation_form.event, evaluation_question.event: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated evaluation indexes"
REPEATED = (
    ("Answered", "evaluation_answered", "registration", ForeignKey),
    ("Form", "evaluation_form", "event", ForeignKey),
    ("Question", "evaluation_question", "event", ForeignKey),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="evaluation", description=DESCRIPTION), REPEATED)
