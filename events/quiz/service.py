"""The quiz's rules: authoring quizzes, running them live, server-timed scoring, standings and exports.

Everything that decides who may answer, when, and for how many points lives in the database, so that any worker
process may take any player's answer. The only in-process state is a cache of facts that never change once a
question has started (its start time, limit, points and right options).
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import re
import secrets
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.kernel.database import UNIQUE_VIOLATIONS, lock_row, write_transaction
from events.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.statement_writer import write_statement
from events.kernel.tokens import hash_token, new_token
from events.programme import service as programme
from events.quiz.tables import Answer, Option, Player, Question, Quiz, Run
from events.resources import service as resources
from events.resources.tables import Resource

KINDS = ("single", "multiple", "truefalse", "poll")
RUN_STATUSES = ("lobby", "question", "reveal", "leaderboard", "finished")
# Answers that arrive up to this long after the deadline still count: the time a tap spends on a phone network.
# Their response time is capped at the limit, so a late tap never scores more than half the points.
GRACE_MS = 500
NICKNAME_MAX = 20
TEXT_MAX = 500
OPTION_MAX = 200
OPTIONS_MIN, OPTIONS_MAX = 2, 6
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 5, 300
POINTS_MAX = 2000
JOIN_CODE_DIGITS = 6
EXPORT_FORMAT = "events-quiz/1"



def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def score_answer(correct: bool, response_ms: int, time_limit_s: int, points: int, accuracy_only: bool = False) -> int:
    """Kahoot's documented formula: round((1 − (t/T)/2) × P) for a right answer, 0 otherwise.

    t is capped at T (answers in the grace period get half the points); rounding is half-up, not banker's.
    """
    if not correct or points <= 0:
        return 0
    if accuracy_only:
        return points
    limit_ms = max(1, time_limit_s * 1000)
    t = min(max(response_ms, 0), limit_ms)
    return math.floor((1 - (t / limit_ms) / 2) * points + 0.5)


# --- authoring -----------------------------------------------------------------------------------------------


async def quizzes_of_event(event_id: int) -> list[dict[str, Any]]:
    quizzes = await Quiz.select().where(Quiz.event == event_id).order_by(Quiz.id)
    for quiz in quizzes:
        quiz["question_count"] = await Question.count().where(Question.quiz == quiz["id"])
    return quizzes


async def quiz_for_organiser(quiz_id: int, user: CurrentUser) -> tuple[dict[str, Any], dict[str, Any]]:
    """The quiz and its event if this user may manage the event; raises NotFound/Forbidden."""
    quiz = await Quiz.select().where(Quiz.id == quiz_id).first()
    if quiz is None:
        raise NotFound(N_("No quiz with this number"))
    event = await programme.event_by_id(quiz["event"])
    if event is None or not programme.may_manage(event, user):
        raise Forbidden(N_("This quiz belongs to another organiser"))
    return quiz, event


def _clean_text(value: Any, limit: int) -> str:
    text = " ".join(str(value or "").split())
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")[:limit + 1]


async def _check_session(event_id: int, session_id: int | None) -> int | None:
    if not session_id:
        return None
    session = await programme.session_by_id(session_id)
    if session is None or session["event"] != event_id:
        raise RuleViolation(N_("Choose a session of this event"), {"session": N_("Choose a session of this event")})
    return session_id


def _check_title(title: str) -> str:
    title = _clean_text(title, 200)
    if not title:
        raise RuleViolation(N_("Give the quiz a title"), {"title": N_("Give the quiz a title")})
    if len(title) > 200:
        raise RuleViolation(N_("The title is too long"), {"title": N_("The title is too long")})
    return title


async def create_quiz(event_id: int, title: str, session_id: int | None = None, accuracy_only: bool = False) -> int:
    title = _check_title(title)
    session_id = await _check_session(event_id, session_id)
    rows = await Quiz.insert(
        Quiz(event=event_id, session=session_id, title=title, accuracy_only=bool(accuracy_only))
    ).returning(Quiz.id)
    return rows[0]["id"]


async def update_quiz(quiz: dict[str, Any], title: str, session_id: int | None, accuracy_only: bool) -> None:
    title = _check_title(title)
    session_id = await _check_session(quiz["event"], session_id)
    await Quiz.update({Quiz.title: title, Quiz.session: session_id, Quiz.accuracy_only: bool(accuracy_only)}).where(
        Quiz.id == quiz["id"]
    )


async def delete_quiz(quiz_id: int) -> None:
    if await Run.exists().where((Run.quiz == quiz_id) & (Run.status != "finished")):
        raise Conflict(N_("End the live run of this quiz first"))
    await Quiz.delete().where(Quiz.id == quiz_id)


async def questions_of(quiz_id: int) -> list[dict[str, Any]]:
    """The quiz's questions in order, each with its options in order."""
    questions = await Question.select().where(Question.quiz == quiz_id).order_by(Question.position).order_by(Question.id)
    if not questions:
        return []
    options = (
        await Option.select()
        .where(Option.question.is_in([q["id"] for q in questions]))
        .order_by(Option.position)
        .order_by(Option.id)
    )
    by_question: dict[int, list[dict[str, Any]]] = {q["id"]: [] for q in questions}
    for option in options:
        by_question[option["question"]].append(option)
    resource_ids = {q["resource"] for q in questions if q["resource"]}
    urls = {}
    if resource_ids:
        rows = await Resource.select(Resource.id, Resource.url).where(Resource.id.is_in(list(resource_ids)))
        urls = {r["id"]: r["url"] for r in rows}
    for question in questions:
        question["options"] = by_question[question["id"]]
        question["resource_url"] = urls.get(question["resource"], "")
    return questions


@dataclass
class QuestionInput:
    kind: str = "single"
    text: str = ""
    time_limit_s: int | str = 20
    points: int | str = 1000
    options: list[tuple[str, bool]] | None = None  # (text, correct); true/false questions need only the right one
    learn_more_url: str = ""
    learn_more_title: str = ""
    resource_id: int | None = None  # a resource of the platform library


def _int_field(value: Any, name: str, low: int, high: int, message: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleViolation(message, {name: message}) from None
    if not low <= number <= high:
        raise RuleViolation(message, {name: message})
    return number


async def _check_resource(resource_id: int | None, current: int | None = None) -> int | None:
    """A live resource (or the retired one the question already points at, so saving keeps it)."""
    if not resource_id:
        return None
    row = await Resource.select(Resource.id, Resource.retired_at).where(Resource.id == resource_id).first()
    if row is None or (row["retired_at"] is not None and resource_id != current):
        raise RuleViolation(N_("Choose a resource from the library"), {"resource": N_("Choose a resource from the library")})
    return resource_id


def validate_question(data: QuestionInput, language: str = "nl") -> dict[str, Any]:
    """Checks a question as an organiser wrote it; returns clean values or raises RuleViolation with the fields."""
    errors: dict[str, str] = {}
    kind = data.kind if data.kind in KINDS else ""
    if not kind:
        errors["kind"] = N_("Choose a kind of question")
    text = _clean_text(data.text, TEXT_MAX)
    if not text:
        errors["text"] = N_("Write the question")
    elif len(text) > TEXT_MAX:
        errors["text"] = N_("The question is too long (at most 500 characters)")
    limit_message = N_("The time limit is a number of seconds from 5 to 300")
    try:
        time_limit = _int_field(data.time_limit_s, "time_limit_s", TIME_LIMIT_MIN, TIME_LIMIT_MAX, limit_message)
    except RuleViolation as exc:
        errors.update(exc.errors)
        time_limit = 0
    points_message = N_("Points are a whole number from 0 to 2000")
    try:
        points = _int_field(data.points, "points", 0, POINTS_MAX, points_message)
    except RuleViolation as exc:
        errors.update(exc.errors)
        points = 0
    options = [(_clean_text(t, OPTION_MAX), bool(c)) for t, c in (data.options or [])]
    options = [(t, c) for t, c in options if t]
    if kind == "truefalse":
        right = [t for t, c in options if c]
        truth = (right[0] if right else "").casefold() in ("true", "waar", "1", "yes", "ja")
        labels = ("Waar", "Niet waar") if language == "nl" else ("True", "False")
        options = [(labels[0], truth), (labels[1], not truth)]
    elif kind:
        if any(len(t) > OPTION_MAX for t, _ in options):
            errors["options"] = N_("An option is at most 200 characters")
        elif not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
            errors["options"] = N_("Give from 2 to 6 options")
        elif kind == "poll":
            options = [(t, False) for t, _ in options]
        elif kind == "single" and sum(c for _, c in options) != 1:
            errors["options"] = N_("Mark exactly one option as right")
        elif kind == "multiple" and not any(c for _, c in options):
            errors["options"] = N_("Mark at least one option as right")
    if kind == "poll":
        points = 0
    url = (data.learn_more_url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
            errors["learn_more_url"] = N_("Give a web address starting with https://")
    title = _clean_text(data.learn_more_title, 200)[:200]
    if errors:
        raise RuleViolation(next(iter(errors.values())), errors)
    return {
        "kind": kind,
        "text": text,
        "time_limit_s": time_limit,
        "points": points,
        "options": options,
        "learn_more_url": url,
        "learn_more_title": title or (url and "") or "",
    }


async def _quiz_is_running(quiz_id: int) -> bool:
    return await Run.exists().where((Run.quiz == quiz_id) & (Run.status != "finished") & (Run.status != "lobby"))


async def save_question(
    engine: Engine, quiz: dict[str, Any], data: QuestionInput, question_id: int | None = None, language: str = "nl"
) -> int:
    """Adds a question at the end (or replaces one): the question and its options are written together."""
    clean = validate_question(data, language)
    current = None
    if question_id is not None:
        row = await Question.select(Question.resource).where(Question.id == question_id).first()
        current = row["resource"] if row else None
    clean["resource"] = await _check_resource(data.resource_id, current)
    if await _quiz_is_running(quiz["id"]):
        raise Conflict(N_("Questions cannot change while the quiz is being played"))
    async with write_transaction(engine):
        values = {k: v for k, v in clean.items() if k != "options"}
        if question_id is None:
            last = await Question.select(Question.position).where(Question.quiz == quiz["id"]).order_by(
                Question.position, ascending=False
            ).first()
            position = (last["position"] + 1) if last else 0
            rows = await Question.insert(Question(quiz=quiz["id"], position=position, **values)).returning(Question.id)
            question_id = rows[0]["id"]
        else:
            found = await Question.exists().where((Question.id == question_id) & (Question.quiz == quiz["id"]))
            if not found:
                raise NotFound(N_("No question with this number in this quiz"))
            await Question.update({getattr(Question, k): v for k, v in values.items()}).where(Question.id == question_id)
            await Option.delete().where(Option.question == question_id)
        await Option.insert(
            *[Option(question=question_id, position=i, text=t, correct=c) for i, (t, c) in enumerate(clean["options"])]
        )
    return question_id


async def delete_question(engine: Engine, quiz: dict[str, Any], question_id: int) -> None:
    if await _quiz_is_running(quiz["id"]):
        raise Conflict(N_("Questions cannot change while the quiz is being played"))
    if await Answer.exists().where(Answer.question == question_id):
        raise Conflict(N_("This question has stored answers; it stays for the results"))
    await Question.delete().where((Question.id == question_id) & (Question.quiz == quiz["id"]))


async def move_question(engine: Engine, quiz: dict[str, Any], question_id: int, offset: int) -> None:
    """Moves a question one place up (−1) or down (+1)."""
    if await _quiz_is_running(quiz["id"]):
        raise Conflict(N_("Questions cannot change while the quiz is being played"))
    async with write_transaction(engine):
        ids = [q["id"] for q in await Question.select(Question.id).where(Question.quiz == quiz["id"]).order_by(
            Question.position
        ).order_by(Question.id)]
        if question_id not in ids:
            raise NotFound(N_("No question with this number in this quiz"))
        i = ids.index(question_id)
        j = i + (1 if offset > 0 else -1)
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
        for position, qid in enumerate(ids):
            await Question.update({Question.position: position}).where(Question.id == qid)


def export_quiz_data(quiz: dict[str, Any], questions: list[dict[str, Any]]) -> dict[str, Any]:
    """A quiz as portable JSON (no ids): what `import_quiz` reads back."""
    return {
        "format": EXPORT_FORMAT,
        "title": quiz["title"],
        "accuracy_only": quiz["accuracy_only"],
        "questions": [
            {
                "kind": q["kind"],
                "text": q["text"],
                "time_limit_s": q["time_limit_s"],
                "points": q["points"],
                "learn_more_url": q["learn_more_url"],
                "learn_more_title": q["learn_more_title"],
                "resource_url": q.get("resource_url") or "",
                "options": [{"text": o["text"], "correct": o["correct"]} for o in q["options"]],
            }
            for q in questions
        ],
    }


async def _resource_by_url(url: Any) -> int | None:
    if not isinstance(url, str) or not url:
        return None
    row = await Resource.select(Resource.id).where((Resource.url == url) & Resource.retired_at.is_null()).first()
    return row["id"] if row else None


async def import_quiz(engine: Engine, event: dict[str, Any], data: Any) -> int:
    """Creates a quiz from exported JSON; every question is checked first and nothing is written if one fails."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise RuleViolation(N_("This is not an exported quiz (JSON with a list of questions)"))
    title = _check_title(data.get("title", ""))
    if len(data["questions"]) > 200:
        raise RuleViolation(N_("A quiz has at most 200 questions"))
    clean_questions = []
    for number, item in enumerate(data["questions"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("options", []), list):
            raise RuleViolation(N_("A question in the file is not valid"), {"questions": str(number)})
        options = [(o.get("text", ""), bool(o.get("correct"))) for o in item.get("options", []) if isinstance(o, dict)]
        try:
            clean_questions.append(
                {"resource": await _resource_by_url(item.get("resource_url"))} | validate_question(
                    QuestionInput(
                        kind=str(item.get("kind", "")),
                        text=str(item.get("text", "")),
                        time_limit_s=item.get("time_limit_s", 20),
                        points=item.get("points", 1000),
                        options=options,
                        learn_more_url=str(item.get("learn_more_url") or ""),
                        learn_more_title=str(item.get("learn_more_title") or ""),
                    ),
                    event.get("language", "nl"),
                )
            )
        except RuleViolation as exc:
            raise RuleViolation(
                N_("A question in the file is not valid"), {"questions": f"{number}: {exc.message}"}
            ) from None
    async with write_transaction(engine):
        rows = await Quiz.insert(
            Quiz(event=event["id"], title=title, accuracy_only=bool(data.get("accuracy_only")))
        ).returning(Quiz.id)
        quiz_id = rows[0]["id"]
        for position, clean in enumerate(clean_questions):
            values = {k: v for k, v in clean.items() if k != "options"}
            q = await Question.insert(Question(quiz=quiz_id, position=position, **values)).returning(Question.id)
            await Option.insert(
                *[Option(question=q[0]["id"], position=i, text=t, correct=c) for i, (t, c) in enumerate(clean["options"])]
            )
    return quiz_id


# --- live runs -----------------------------------------------------------------------------------------------


async def open_run(quiz_id: int, host_id: int, now: datetime) -> dict[str, Any]:
    """A new live run in the lobby, with a join code no other open run has."""
    if not await Question.exists().where(Question.quiz == quiz_id):
        raise RuleViolation(N_("Add at least one question before you start the quiz"))
    for _attempt in range(20):
        code = "".join(secrets.choice("0123456789") for _ in range(JOIN_CODE_DIGITS))
        try:
            rows = await Run.insert(
                Run(quiz=quiz_id, host=host_id, join_code=code, active_code=code, status="lobby", created_at=now)
            ).returning(Run.id)
        except UNIQUE_VIOLATIONS:
            continue
        return await run_by_id(rows[0]["id"])
    raise Conflict(N_("No free join code; try again"))


async def run_by_id(run_id: int) -> dict[str, Any] | None:
    return await Run.select().where(Run.id == run_id).first()


async def run_for_host(run_id: int, user: CurrentUser) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The run, its quiz and event if this user may host it (the event's organiser or an admin)."""
    run = await run_by_id(run_id)
    if run is None:
        raise NotFound(N_("No quiz run with this number"))
    quiz, event = await quiz_for_organiser(run["quiz"], user)
    return run, quiz, event


async def runs_of_quiz(quiz_id: int) -> list[dict[str, Any]]:
    runs = await Run.select().where(Run.quiz == quiz_id).order_by(Run.id, ascending=False)
    for run in runs:
        run["player_count"] = await Player.count().where((Player.run == run["id"]) & (Player.removed == False))  # noqa: E712
    return runs


def clean_nickname(nickname: str) -> str:
    nickname = _clean_text(nickname, NICKNAME_MAX)
    if not nickname:
        raise RuleViolation(N_("Choose a nickname"), {"nickname": N_("Choose a nickname")})
    if len(nickname) > NICKNAME_MAX:
        raise RuleViolation(
            N_("A nickname is at most 20 characters"), {"nickname": N_("A nickname is at most 20 characters")}
        )
    return nickname


@dataclass
class JoinedPlayer:
    player_id: int
    run_id: int
    nickname: str
    token: str


_JOIN = """
INSERT INTO quiz_player (run, nickname, nickname_key, token_hash, joined_at, removed)
SELECT id, {}, {}, {}, {}, {} FROM quiz_run WHERE active_code = {}
RETURNING id, run
"""


async def join_run(code: str, nickname: str, now: datetime) -> JoinedPlayer:
    """A player joins an open run with its code and a nickname no one else in the run has.

    One statement: the run is found by its code (only open runs hold one) and the player inserted; the UNIQUE
    index on (run, case-folded nickname) refuses a taken nickname, also between simultaneous joins."""
    code = re.sub(r"\D", "", code or "")
    nickname = clean_nickname(nickname)
    token = new_token()
    values = (nickname, nickname.casefold()[:40], hash_token(token), now, False, code)
    try:
        rows = await write_statement(Player, _JOIN, values) if code else []
    except UNIQUE_VIOLATIONS:
        raise Conflict(
            N_("This nickname is taken in this quiz; choose another"),
            {"nickname": N_("This nickname is taken in this quiz; choose another")},
        ) from None
    if not rows:
        raise NotFound(N_("No quiz is open with this code"), {"code": N_("No quiz is open with this code")})
    return JoinedPlayer(player_id=rows[0][0], run_id=rows[0][1], nickname=nickname, token=token)


async def player_by_token(token: str) -> dict[str, Any] | None:
    if not token or len(token) > 200:
        return None
    return await Player.select().where(Player.token_hash == hash_token(token)).first()


async def players_of(run_id: int) -> list[dict[str, Any]]:
    return await Player.select(Player.id, Player.nickname, Player.joined_at).where(
        (Player.run == run_id) & (Player.removed == False)  # noqa: E712
    ).order_by(Player.id)


async def remove_player(run_id: int, player_id: int) -> bool:
    rows = await Player.update({Player.removed: True}).where((Player.id == player_id) & (Player.run == run_id)).returning(
        Player.id
    )
    return bool(rows)


def _public_question(question: dict[str, Any], number: int, total: int) -> dict[str, Any]:
    return {
        "question_id": question["id"],
        "number": number,
        "total": total,
        "kind": question["kind"],
        "text": question["text"],
        "options": [{"id": o["id"], "text": o["text"]} for o in question["options"]],
        "time_limit_s": question["time_limit_s"],
        "points": question["points"],
    }


async def learn_more_of(question: dict[str, Any]) -> dict[str, str] | None:
    """The reveal's "learn more" link: the platform resource while it is live, else the organiser's own URL."""
    link = await resources.learn_more(question.get("resource"))
    if link is None and question["learn_more_url"]:
        link = {"url": question["learn_more_url"], "title": question["learn_more_title"] or question["learn_more_url"]}
    return link


HOST_MOVES = {
    "next": ("lobby", "question", "reveal", "leaderboard"),
    "reveal": ("question",),
    "leaderboard": ("reveal",),
    "end": ("lobby", "question", "reveal", "leaderboard"),
}


async def _locked_run(engine: Engine, run_id: int, action: str) -> dict[str, Any]:
    await lock_row(engine, Run, run_id)
    run = await run_by_id(run_id)
    if run is None:
        raise NotFound(N_("No quiz run with this number"))
    if run["status"] not in HOST_MOVES[action]:
        raise Conflict(N_("This step is not possible now (the quiz is at another step)"))
    return run


async def start_next_question(engine: Engine, run_id: int, now: datetime) -> dict[str, Any]:
    """Opens the next question: the server's clock sets the start and the deadline."""
    async with write_transaction(engine):
        run = await _locked_run(engine, run_id, "next")
        questions = await questions_of(run["quiz"])
        position = run["position"] + 1
        if position >= len(questions):
            raise Conflict(N_("That was the last question; end the quiz"))
        question = questions[position]
        deadline = now + timedelta(seconds=question["time_limit_s"])
        await Run.update(
            {
                Run.status: "question",
                Run.position: position,
                Run.question: question["id"],
                Run.question_started_at: now,
                Run.question_deadline: deadline,
                Run.accepting_until_ms: epoch_ms(deadline) + GRACE_MS,
            }
        ).where(Run.id == run_id)
    return {
        "type": "question",
        **_public_question(question, position + 1, len(questions)),
        "remaining_ms": question["time_limit_s"] * 1000,
        "deadline": deadline.isoformat(),
    }


async def _distribution(question: dict[str, Any], run_id: int) -> tuple[list[dict[str, Any]], int, dict[int, int]]:
    answers = await Answer.select(Answer.player, Answer.choices, Answer.points).where(
        (Answer.run == run_id) & (Answer.question == question["id"])
    )
    counts = {o["id"]: 0 for o in question["options"]}
    for answer in answers:
        for choice in filter(None, answer["choices"].split(",")):
            if int(choice) in counts:
                counts[int(choice)] += 1
    distribution = [
        {"option_id": o["id"], "text": o["text"], "correct": o["correct"], "count": counts[o["id"]]}
        for o in question["options"]
    ]
    return distribution, len(answers), {a["player"]: a["points"] for a in answers}


async def reveal(engine: Engine, run_id: int, now: datetime) -> dict[str, Any]:
    """Closes the question (no answer is taken any more, whatever worker gets it) and shows the right answer."""
    async with write_transaction(engine):
        run = await _locked_run(engine, run_id, "reveal")
        await Run.update({Run.status: "reveal", Run.accepting_until_ms: 0}).where(Run.id == run_id)
    questions = await questions_of(run["quiz"])
    question = next(q for q in questions if q["id"] == run["question"])
    distribution, answered, points = await _distribution(question, run_id)
    return {
        "type": "reveal",
        "question_id": question["id"],
        "kind": question["kind"],
        "correct": [o["id"] for o in question["options"] if o["correct"]],
        "distribution": distribution,
        "answered": answered,
        "players": await Player.count().where((Player.run == run_id) & (Player.removed == False)),  # noqa: E712
        "learn_more": await learn_more_of(question),
        "points": {str(pid): p for pid, p in points.items()},
    }


async def standings(run_id: int, exclude_question: int | None = None) -> list[dict[str, Any]]:
    """Every (not removed) player's score, right answers and total response time, best first.

    Ties are broken by total response time over the player's answers (lower wins), then by who joined first.
    """
    players = await Player.select(Player.id, Player.nickname, Player.joined_at).where(
        (Player.run == run_id) & (Player.removed == False)  # noqa: E712
    )
    query = Answer.select(Answer.player, Answer.points, Answer.correct, Answer.response_ms).where(Answer.run == run_id)
    if exclude_question is not None:
        query = query.where(Answer.question != exclude_question)
    totals: dict[int, list[int]] = {p["id"]: [0, 0, 0, 0] for p in players}
    for answer in await query:
        total = totals.get(answer["player"])
        if total is not None:
            total[0] += answer["points"]
            total[1] += 1 if answer["correct"] else 0
            total[2] += answer["response_ms"]
            total[3] += 1
    ranked = sorted(players, key=lambda p: (-totals[p["id"]][0], totals[p["id"]][2], p["id"]))
    return [
        {
            "rank": rank,
            "player_id": p["id"],
            "nickname": p["nickname"],
            "score": totals[p["id"]][0],
            "correct": totals[p["id"]][1],
            "total_response_ms": totals[p["id"]][2],
            "answers": totals[p["id"]][3],
        }
        for rank, p in enumerate(ranked, start=1)
    ]


def _board(rows: list[dict[str, Any]], top: int) -> dict[str, Any]:
    return {
        "top": [{"rank": r["rank"], "nickname": r["nickname"], "score": r["score"]} for r in rows[:top]],
        "ranks": {str(r["player_id"]): [r["rank"], r["score"]] for r in rows},
        "players": len(rows),
    }


async def show_leaderboard(engine: Engine, run_id: int) -> dict[str, Any]:
    async with write_transaction(engine):
        await _locked_run(engine, run_id, "leaderboard")
        await Run.update({Run.status: "leaderboard"}).where(Run.id == run_id)
    return {"type": "leaderboard", **_board(await standings(run_id), 10)}


async def finish_run(engine: Engine, run_id: int, now: datetime) -> dict[str, Any]:
    """Ends the run: the join code is free again and the stored results stay for the organiser."""
    async with write_transaction(engine):
        await _locked_run(engine, run_id, "end")
        await Run.update(
            {Run.status: "finished", Run.active_code: None, Run.accepting_until_ms: 0, Run.finished_at: now}
        ).where(Run.id == run_id)
    board = _board(await standings(run_id), 3)
    return {"type": "finished", "podium": board["top"], "ranks": board["ranks"], "players": board["players"]}


# --- answers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFacts:
    """What scoring needs about a started question; none of it changes once the question has started."""

    started_ms: int
    time_limit_s: int
    points: int
    kind: str
    option_ids: frozenset[int]
    correct_ids: frozenset[int]
    accuracy_only: bool


_facts_cache: OrderedDict[tuple[int, int, int], asyncio.Future] = OrderedDict()
_FACTS_CACHE_SIZE = 512


async def _question_facts(run_id: int, question_id: int) -> QuestionFacts | None:
    """What scoring needs, read once per question and process: the first answers of a question arrive together,
    and they share one read (a future in the cache) instead of each reading the same rows."""
    key = (id(asyncio.get_running_loop()), run_id, question_id)  # a future belongs to its event loop
    cached = _facts_cache.get(key)
    if cached is None:
        cached = asyncio.ensure_future(_read_question_facts(run_id, question_id))
        _facts_cache[key] = cached
        while len(_facts_cache) > _FACTS_CACHE_SIZE:
            _facts_cache.popitem(last=False)
    try:
        facts = await asyncio.shield(cached)
    except Exception:
        if _facts_cache.get(key) is cached:
            _facts_cache.pop(key, None)
        raise
    if facts is None and _facts_cache.get(key) is cached:
        _facts_cache.pop(key, None)  # not started (yet): ask the database again next time
    return facts


async def _read_question_facts(run_id: int, question_id: int) -> QuestionFacts | None:
    run = await Run.select(Run.question, Run.question_started_at, Run.quiz.accuracy_only.as_alias("accuracy_only")).where(
        Run.id == run_id
    ).first()
    if run is None or run["question"] != question_id or run["question_started_at"] is None:
        return None
    question = await Question.select().where(Question.id == question_id).first()
    options = await Option.select(Option.id, Option.correct).where(Option.question == question_id)
    return QuestionFacts(
        started_ms=epoch_ms(run["question_started_at"]),
        time_limit_s=question["time_limit_s"],
        points=question["points"],
        kind=question["kind"],
        option_ids=frozenset(o["id"] for o in options),
        correct_ids=frozenset(o["id"] for o in options if o["correct"]),
        accuracy_only=bool(run["accuracy_only"]),
    )


def forget_cached_questions() -> None:
    _facts_cache.clear()


@dataclass
class AnswerResult:
    accepted: bool
    question_id: int
    response_ms: int = 0
    reason: str = ""  # machine-readable: too_late | already_answered | closed | invalid | removed
    message: str = ""  # English msgid for people


_INSERT_ANSWER = """
INSERT INTO quiz_answer (run, question, player, choices, received_at, response_ms, correct, points)
SELECT {}, {}, {}, {}, {}, {}, {}, {}
WHERE EXISTS (
    SELECT 1 FROM quiz_run WHERE id = {} AND question = {} AND status = 'question' AND accepting_until_ms >= {}
) AND EXISTS (SELECT 1 FROM quiz_player WHERE id = {} AND run = {} AND removed = {})
ON CONFLICT (player, question) DO NOTHING
RETURNING id
"""


async def submit_answer(
    run_id: int, player_id: int, question_id: int, choices: list[int], now: datetime
) -> AnswerResult:
    """One answer: measured on the server's clock, stored by one conditional INSERT.

    The database decides: the row goes in only while the run accepts answers for this question (deadline +
    grace, not yet revealed), for a player not removed, and at most once per player and question (UNIQUE).
    """
    received_ms = epoch_ms(now)
    facts = await _question_facts(run_id, question_id)
    if facts is None:
        return AnswerResult(False, question_id, reason="closed", message=N_("This question is closed"))
    chosen = sorted(set(choices))
    if not chosen or not set(chosen) <= facts.option_ids or (facts.kind not in ("multiple",) and len(chosen) != 1):
        return AnswerResult(False, question_id, reason="invalid", message=N_("Choose one of the options"))
    response_ms = max(0, received_ms - facts.started_ms)
    if facts.kind == "poll":
        correct, points = None, 0
    else:
        correct = set(chosen) == facts.correct_ids  # multiple choice: all and only the right options
        points = score_answer(correct, response_ms, facts.time_limit_s, facts.points, facts.accuracy_only)
    values = (
        run_id, question_id, player_id, ",".join(map(str, chosen)), now, response_ms, correct, points,
        run_id, question_id, received_ms,
        player_id, run_id, False,
    )
    if await write_statement(Answer, _INSERT_ANSWER, values):
        return AnswerResult(True, question_id, response_ms=response_ms)
    return await _refusal(run_id, player_id, question_id, received_ms)


async def _refusal(run_id: int, player_id: int, question_id: int, received_ms: int) -> AnswerResult:
    """Why an answer was not stored (read only after a refusal, so the common path stays one statement)."""
    if await Answer.exists().where((Answer.player == player_id) & (Answer.question == question_id)):
        return AnswerResult(False, question_id, reason="already_answered", message=N_("You already answered this question"))
    player = await Player.select(Player.removed).where(Player.id == player_id).first()
    if player is None or player["removed"]:
        return AnswerResult(False, question_id, reason="removed", message=N_("The host removed you from this quiz"))
    run = await Run.select(Run.status, Run.question, Run.accepting_until_ms).where(Run.id == run_id).first()
    if run and run["status"] == "question" and run["question"] == question_id and received_ms > run["accepting_until_ms"]:
        return AnswerResult(False, question_id, reason="too_late", message=N_("Time is up: your answer came too late"))
    return AnswerResult(False, question_id, reason="closed", message=N_("This question is closed"))


# --- what a (re)connecting screen sees ------------------------------------------------------------------------


async def _current_question(run: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    if run["question"] is None:
        return None
    questions = await questions_of(run["quiz"])
    question = next((q for q in questions if q["id"] == run["question"]), None)
    if question is None:
        return None
    payload = _public_question(question, run["position"] + 1, len(questions))
    if run["question_deadline"] is not None:
        payload["remaining_ms"] = max(0, epoch_ms(run["question_deadline"]) - epoch_ms(now))
        payload["deadline"] = run["question_deadline"].isoformat()
    payload["_question"] = question
    return payload


async def player_score(player_id: int, exclude_question: int | None = None) -> int:
    query = Answer.select(Answer.points).where(Answer.player == player_id)
    if exclude_question is not None:
        query = query.where(Answer.question != exclude_question)
    return sum(row["points"] for row in await query)


async def player_view(player: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Everything a player's phone needs after (re)connecting: nickname, score, and where the run is.

    Kept to a few small queries (a whole room reconnects at once after a Wi-Fi hiccup); the rank is computed
    only where the screen shows it (leaderboard, end).
    """
    run = await run_by_id(player["run"])
    assert run is not None
    open_question = run["question"] if run["status"] == "question" else None
    view: dict[str, Any] = {
        "type": "welcome",
        "player_id": player["id"],
        "run_id": run["id"],
        "nickname": player["nickname"],
        "status": run["status"],
        "score": 0,
        "rank": None,
        "question": None,
        "answered": False,
    }
    if run["status"] == "lobby":
        return view
    if run["status"] in ("leaderboard", "finished"):
        board = await standings(run["id"])
        mine = next((r for r in board if r["player_id"] == player["id"]), None)
        view["score"], view["rank"] = (mine["score"], mine["rank"]) if mine else (0, None)
        if run["status"] == "finished":
            view["podium"] = _board(board, 3)["top"]
        return view
    # The open question's points stay hidden until the reveal: they would tell whether the answer was right.
    view["score"] = await player_score(player["id"], exclude_question=open_question)
    current = await _current_question(run, now)
    if current is not None:
        question = current.pop("_question")
        view["question"] = current
        answer = await Answer.select(Answer.choices, Answer.points).where(
            (Answer.player == player["id"]) & (Answer.question == question["id"])
        ).first()
        view["answered"] = answer is not None
        view["choices"] = [int(c) for c in answer["choices"].split(",") if c] if answer else []
        if run["status"] == "reveal":
            view["correct"] = [o["id"] for o in question["options"] if o["correct"]]
            view["points"] = answer["points"] if answer else 0
    return view


async def host_view(run: dict[str, Any], quiz: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Everything the host screen needs after (re)connecting."""
    players = await players_of(run["id"])
    view: dict[str, Any] = {
        "type": "host_state",
        "run_id": run["id"],
        "status": run["status"],
        "join_code": run["join_code"],
        "quiz_title": quiz["title"],
        "question_count": await Question.count().where(Question.quiz == quiz["id"]),
        "players": [{"player_id": p["id"], "nickname": p["nickname"]} for p in players],
        "question": None,
        "answered": 0,
    }
    if run["status"] in ("question", "reveal"):
        current = await _current_question(run, now)
        if current is not None:
            current.pop("_question")
            view["question"] = current
            view["answered"] = await Answer.count().where(
                (Answer.run == run["id"]) & (Answer.question == run["question"])
            )
    if run["status"] in ("leaderboard", "finished"):
        view["board"] = _board(await standings(run["id"]), 10)["top"]
    return view


# --- results -------------------------------------------------------------------------------------------------


async def results(run_id: int) -> dict[str, Any]:
    """Stored results of a run: standings with each player's response times, and each question's distribution."""
    run = await run_by_id(run_id)
    assert run is not None
    questions = await questions_of(run["quiz"])
    board = await standings(run_id)
    answers = await Answer.select(Answer.player, Answer.question, Answer.response_ms, Answer.correct, Answer.points).where(
        Answer.run == run_id
    )
    times: dict[int, dict[int, dict[str, Any]]] = {}
    for answer in answers:
        times.setdefault(answer["player"], {})[answer["question"]] = answer
    asked = [q for q in questions if await Answer.exists().where((Answer.run == run_id) & (Answer.question == q["id"]))]
    per_question = []
    for question in asked:
        distribution, answered, _points = await _distribution(question, run_id)
        per_question.append({"question": question, "distribution": distribution, "answered": answered})
    for row in board:
        row["by_question"] = [times.get(row["player_id"], {}).get(q["id"]) for q in asked]
    return {"run": run, "standings": board, "questions": per_question, "asked": asked}


def _csv_safe(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas: players choose their own nicknames."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def results_csv(data: dict[str, Any], language: str = "nl") -> str:
    """Per player: rank, nickname, score, right answers, total and per-question response times; then per question
    the distribution of answers. Semicolon-separated with a BOM, as Dutch Excel opens it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    asked = data["asked"]
    writer.writerow(
        ["rank", "nickname", "score", "correct_answers", "answers", "total_response_ms"]
        + [f"q{i}_response_ms" for i in range(1, len(asked) + 1)]
    )
    for row in data["standings"]:
        writer.writerow(
            [row["rank"], _csv_safe(row["nickname"]), row["score"], row["correct"], row["answers"], row["total_response_ms"]]
            + [(a["response_ms"] if a else "") for a in row["by_question"]]
        )
    writer.writerow([])
    writer.writerow(["question", "question_text", "option", "correct", "count"])
    for number, item in enumerate(data["questions"], start=1):
        for option in item["distribution"]:
            writer.writerow(
                [number, _csv_safe(item["question"]["text"]), _csv_safe(option["text"]),
                 "" if item["question"]["kind"] == "poll" else ("yes" if option["correct"] else "no"), option["count"]]
            )
    return out.getvalue()


def as_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None
