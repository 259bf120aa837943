"""Exports of a space: questions (text, votes, state, times), poll results and ratings, as JSON and as CSV for Dutch
Excel (`kernel.spreadsheet`)."""

from __future__ import annotations

from typing import Any

from events.kernel.spreadsheet import excel_csv
from events.live.service import polls, questions
from events.live.tables import Rating


async def export_data(space: dict[str, Any]) -> dict[str, Any]:
    rows = await Rating.select(Rating.stars, Rating.comment).where(Rating.space == space["id"])
    return {
        "space": {"id": space["id"], "code": space["code"], "title": space["title"], "session_id": space["session"]},
        "questions": await questions.questions_of(space, moderator=True, order="newest"),
        "polls": [{**polls.poll_view(p), "results": await polls.results(p)} for p in await polls.polls_of(space)],
        "ratings": {"count": len(rows), "mean": round(sum(r["stars"] for r in rows) / len(rows), 2) if rows else None,
                    "comments": [r["comment"] for r in rows if r["comment"]]},
    }


def _poll_lines(poll: dict[str, Any]) -> list[list[Any]]:
    results = poll["results"]
    if "words" in results:
        return [["poll", poll["question"], w["word"], w["count"]] for w in results["words"]]
    return [["poll", poll["question"], c.get("text", c.get("value")), c["count"]] for c in results["counts"]]


def export_csv(data: dict[str, Any]) -> bytes:
    lines: list[list[Any]] = [["soort", "tekst", "naam / antwoord", "stemmen / aantal", "status", "gesteld", "beantwoord"]]
    for q in data["questions"]:
        lines.append(["vraag", q["text"], q["name"] or "", q["votes"], q["state"], q["asked_at"], q["answered_at"] or ""])
    for poll in data["polls"]:
        lines.extend(_poll_lines(poll))
    ratings = data["ratings"]
    lines.append(["waardering", data["space"]["title"], ratings["mean"] if ratings["mean"] is not None else "",
                  ratings["count"]])
    lines.extend(["opmerking", comment] for comment in ratings["comments"])
    return excel_csv(lines)
