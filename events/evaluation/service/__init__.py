"""Evaluation rules, split by what people do: the form's questions (`questions`), answering it (`answering`), the
results and their export (`results`) and the summary chart (`chart`). Callers write
`from events.evaluation import service` and `service.<name>`."""

from events.evaluation.service.answering import (
    ALREADY,
    answer,
    attended,
    clean_answers,
    closed_reason,
    has_answered,
)
from events.evaluation.service.chart import chart_rows, summary_svg
from events.evaluation.service.questions import (
    DEFAULTS,
    NO_QUESTION,
    add_question,
    clean_question,
    delete_question,
    form_of,
    move_question,
    questions_of,
    set_no_shows_may_answer,
    update_question,
)
from events.evaluation.service.results import results, results_csv
from events.evaluation.service.retention import purge_names

__all__ = [
    "ALREADY", "DEFAULTS", "NO_QUESTION", "add_question", "answer", "attended", "chart_rows", "clean_answers",
    "clean_question", "closed_reason", "delete_question", "form_of", "has_answered", "move_question", "purge_names", "questions_of",
    "results", "results_csv", "set_no_shows_may_answer", "summary_svg", "update_question",
]
