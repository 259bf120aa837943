"""The quiz's rules, split by what users do; callers write `from events.quiz import service` and `service.<name>`.

- `authoring`: an organiser's quizzes and questions; `questions`: what a question must be to be saved
- `exchange`: quizzes as portable JSON (export and import)
- `runs`: opening a live run and the host's moves through its states
- `players`: joining with a code and a nickname, tokens, removing a player
- `answers`: submitting an answer (server-timed, decided by the database) and the question-facts cache
- `scoring`: points, standings, boards and distributions
- `views`: what a (re)connecting player's phone or host screen sees
- `results`: a run's stored results and their CSV
"""

from events.quiz.rows import AnswerResult, JoinedPlayer
from events.quiz.service.answers import QuestionFacts, forget_cached_questions, submit_answer
from events.quiz.service.authoring import (
    create_quiz,
    delete_question,
    delete_quiz,
    move_question,
    questions_of,
    quiz_by_id,
    quiz_for_organiser,
    quiz_of_event_for_organiser,
    quizzes_of_event,
    save_question,
    update_quiz,
)
from events.quiz.service.exchange import EXPORT_FORMAT, export_quiz_data, import_quiz
from events.quiz.service.players import (
    NICKNAME_MAX,
    clean_nickname,
    join_run,
    player_by_token,
    players_of,
    remove_player,
)
from events.quiz.service.questions import QuestionInput, validate_question
from events.quiz.service.results import results, results_csv
from events.quiz.service.retention import forget_past_players
from events.quiz.service.runs import (
    GRACE_MS,
    HOST_MOVES,
    HostMove,
    finish_run,
    learn_more_of,
    make_host_move,
    open_run,
    reveal,
    run_by_id,
    run_for_host,
    runs_of_quiz,
    show_leaderboard,
    start_next_question,
)
from events.quiz.service.scoring import player_score, run_board, score_answer, standings
from events.quiz.service.views import host_view, player_view

__all__ = [
    "forget_past_players",
    "EXPORT_FORMAT",
    "GRACE_MS",
    "HOST_MOVES",
    "HostMove",
    "NICKNAME_MAX",
    "AnswerResult",
    "JoinedPlayer",
    "QuestionFacts",
    "QuestionInput",
    "clean_nickname",
    "create_quiz",
    "delete_question",
    "delete_quiz",
    "export_quiz_data",
    "finish_run",
    "forget_cached_questions",
    "host_view",
    "import_quiz",
    "join_run",
    "learn_more_of",
    "make_host_move",
    "move_question",
    "open_run",
    "player_by_token",
    "player_score",
    "player_view",
    "players_of",
    "questions_of",
    "quiz_by_id",
    "quiz_for_organiser",
    "quiz_of_event_for_organiser",
    "quizzes_of_event",
    "remove_player",
    "results",
    "results_csv",
    "reveal",
    "run_by_id",
    "run_for_host",
    "runs_of_quiz",
    "save_question",
    "score_answer",
    "show_leaderboard",
    "run_board",
    "standings",
    "start_next_question",
    "submit_answer",
    "update_quiz",
    "validate_question",
]
