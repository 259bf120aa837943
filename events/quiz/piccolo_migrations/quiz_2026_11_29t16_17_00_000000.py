"""Constraints the ORM cannot declare: the database itself refuses a second answer to one question and the same
nickname twice in one run, whatever process or worker writes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T16:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique_answers_and_nicknames"

STATEMENTS = (
    "CREATE UNIQUE INDEX quiz_answer_player_question ON quiz_answer (player, question)",
    "CREATE UNIQUE INDEX quiz_player_run_nickname ON quiz_player (run, nickname_key)",
    "CREATE INDEX quiz_question_quiz_position ON quiz_question (quiz, position)",
)


class RawStatement(Table, tablename="quiz_quiz"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="quiz", description=DESCRIPTION)

    async def create_indexes():
        for statement in STATEMENTS:
            await RawStatement.raw(statement)

    async def drop_indexes():
        for name in ("quiz_answer_player_question", "quiz_player_run_nickname", "quiz_question_quiz_position"):
            await RawStatement.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
