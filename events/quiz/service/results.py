"""A run's stored results: standings with each player's response times, each asked question's distribution, and
the same as a CSV for Excel."""

from __future__ import annotations

from dataclasses import replace

from events.kernel.spreadsheet import excel_csv
from events.quiz.rows import QuestionResult, StoredResults
from events.quiz.service.authoring import questions_of
from events.quiz.service.runs import run_by_id
from events.quiz.service.scoring import distribution, standings
from events.quiz.tables import Answer, QuestionKind

PLAYER_COLUMNS = ["rank", "nickname", "score", "correct_answers", "answers", "total_response_ms"]
QUESTION_COLUMNS = ["question", "question_text", "option", "correct", "count"]


async def results(run_id: int) -> StoredResults:
    """Stored results of a run: standings with each player's response times, and each question's distribution."""
    run = await run_by_id(run_id)
    assert run is not None
    questions = await questions_of(run.quiz)
    answers = await Answer.select(Answer.player, Answer.question, Answer.response_ms).where(Answer.run == run_id)
    times: dict[int, dict[int, int]] = {}
    for answer in answers:
        times.setdefault(answer["player"], {})[answer["question"]] = answer["response_ms"]
    asked = [q for q in questions if await Answer.exists().where((Answer.run == run_id) & (Answer.question == q.id))]
    per_question = []
    for question in asked:
        per_option, answered, _points = await distribution(question, run_id)
        per_question.append(QuestionResult(question=question, distribution=per_option, answered=answered))
    ranked = [
        replace(row, response_ms=tuple(times.get(row.player_id, {}).get(q.id) for q in asked))
        for row in await standings(run_id)
    ]
    return StoredResults(run=run, standings=ranked, questions=per_question)


def results_csv(data: StoredResults) -> bytes:
    """Per player: rank, nickname, score, right answers, total and per-question response times; then per question
    the distribution of answers (the kernel's spreadsheet: as Dutch Excel opens it, no cell run as a formula)."""
    rows: list[list[object]] = [PLAYER_COLUMNS + [f"q{i}_response_ms" for i in range(1, len(data.questions) + 1)]]
    for row in data.standings:
        rows.append(
            [row.rank, row.nickname, row.score, row.correct, row.answers, row.total_response_ms, *row.response_ms]
        )
    rows.append([])
    rows.append(QUESTION_COLUMNS)
    for number, item in enumerate(data.questions, start=1):
        question = item.question
        for option in item.distribution:
            right = "" if question.kind == QuestionKind.POLL else ("yes" if option["correct"] else "no")
            rows.append([number, question.text, option["text"], right, option["count"]])
    return excel_csv(rows)
