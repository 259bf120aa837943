"""The evaluation's results for organisers: per question the number of answers, the average and spread of a
scale, the count per option, the open answers (with a name only where the participant agreed to share it), and
beside them the live session ratings (events/live). Also the CSV for Dutch Excel, audited like other exports
because it may carry the names of participants who agreed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.evaluation.service.questions import questions_of
from events.evaluation.tables import Answered, QuestionKind, Response
from events.kernel.i18n import gettext_for
from events.kernel.spreadsheet import excel_csv
from events.live import service as live


def _decoded(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _summary(question: Any, answers: list[tuple[dict[str, Any], str | None]], language: str) -> dict[str, Any]:
    values = [(a[question.key], name) for a, name in answers if question.key in a]
    result: dict[str, Any] = {**question.as_json(), "text": question.text(language), "count": len(values)}
    if question.kind == QuestionKind.SCALE:
        scores = [v for v, _ in values if isinstance(v, int)]
        result["mean"] = round(sum(scores) / len(scores), 2) if scores else None
        result["distribution"] = [{"value": n, "count": scores.count(n)} for n in range(1, 6)]
    elif question.kind == QuestionKind.CHOICE:
        labels = question.options(language)
        result["options"] = [{"label": label, "count": sum(1 for v, _ in values if v == i)} for i, label in enumerate(labels)]
    else:
        result["answers"] = [{"text": str(v), "name": name} for v, name in values]
    return result


async def _live_ratings(event_id: int) -> list[dict[str, Any]]:
    return [{"title": r["title"], "session_id": r["session_id"], "count": r["count"], "mean": r["mean"],
             "comments": r["comments"]} for r in await live.ratings_of_event(event_id)]


async def results(event: dict[str, Any], language: str) -> dict[str, Any]:
    """Everything the results page, the chart and the API show."""
    rows = await Response.select(Response.answers, Response.name).where(Response.event == event["id"]).order_by(Response.id)
    answers = [(_decoded(r["answers"]), r["name"]) for r in rows]
    questions = await questions_of(event["id"])
    return {
        "responses": len(answers),
        "answered": await Answered.count().where(Answered.event == event["id"]),
        "questions": [_summary(q, answers, language) for q in questions],
        "live_ratings": await _live_ratings(event["id"]),
    }


def _cell(question: Any, value: Any, language: str) -> Any:
    if value is None:
        return ""
    if question.kind == QuestionKind.CHOICE:
        labels = question.options(language)
        return labels[value] if isinstance(value, int) and 0 <= value < len(labels) else ""
    return value


async def results_csv(event: dict[str, Any], user: CurrentUser, now: datetime, language: str) -> bytes:
    """One line per response (its name only with consent), then the live ratings per session."""
    questions = await questions_of(event["id"])
    rows = await Response.select(Response.answers, Response.name).where(Response.event == event["id"]).order_by(Response.id)
    anonymous = gettext_for(language, "anonymous")
    lines: list[list[Any]] = [[gettext_for(language, "Name"), *(q.text(language) for q in questions)]]
    for row in rows:
        answers = _decoded(row["answers"])
        lines.append([row["name"] or anonymous, *(_cell(q, answers.get(q.key), language) for q in questions)])
    ratings = await _live_ratings(event["id"])
    if ratings:
        lines += [[], [gettext_for(language, "Live rating"), gettext_for(language, "Average"), gettext_for(language, "Ratings")]]
        lines += [[r["title"], r["mean"] if r["mean"] is not None else "", r["count"]] for r in ratings]
    await audit.record("evaluation.export", now, actor=user, organisation_id=event.get("organisation"), event_id=event["id"],
                       detail=f"CSV export of {len(rows)} evaluation responses")
    return excel_csv(lines)
