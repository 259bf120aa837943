"""Constraints the ORM cannot declare: the database itself refuses a second answer to one question and the same
nickname twice in one run, whatever process or worker writes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T16:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique_answers_and_nicknames"

STATEMENTS = (
    "CREATE UNIQUE INDEX quiz_answer_player_question ON quiz_answer (player, question)",
    "CREATE UNIQUE INDEX quiz_player_run_nickname ON quiz_player (run, nickname_key)",
    "CREATE INDEX quiz_question_quiz_position ON quiz_question (quiz, position)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="quiz", description=DESCRIPTION)

    async def create_indexes():
        # Ask for the engine each time: a table class here would keep the first database it ever saw.
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    async def drop_indexes():
        engine = engine_finder()
        for name in ("quiz_answer_player_question", "quiz_player_run_nickname", "quiz_question_quiz_position"):
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
