"""Drops the own index of quiz_question.quiz, quiz_player.run, quiz_answer.player: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated quiz indexes"
REPEATED = (
    ("Question", "quiz_question", "quiz", ForeignKey),
    ("Player", "quiz_player", "run", ForeignKey),
    ("Answer", "quiz_answer", "player", ForeignKey),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="quiz", description=DESCRIPTION), REPEATED)
