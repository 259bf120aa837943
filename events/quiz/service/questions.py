"""What a question must be before it is saved or imported: its kind, text, time limit, points, options and
"learn more" link, checked as an organiser wrote them, with every failing field named."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.quiz.tables import QuestionKind

TEXT_MAX = 500
OPTION_MAX = 200
LINK_TITLE_MAX = 200
URL_MAX = 2000
OPTIONS_MIN, OPTIONS_MAX = 2, 6
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 5, 300
POINTS_MAX = 2000
# What a true/false question's one option may say to mean "true" (forms send "true", imports may say "waar").
TRUE_WORDS = ("true", "waar", "1", "yes", "ja")


def clean_text(value: Any, limit: int) -> str:
    """One line without control characters, cut one past `limit` (so the caller can tell it was too long)."""
    text = " ".join(str(value or "").split())
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")[:limit + 1]


@dataclass
class QuestionInput:
    kind: str = QuestionKind.SINGLE
    text: str = ""
    time_limit_s: int | str = 20
    points: int | str = 1000
    options: list[tuple[str, bool]] | None = None  # (text, correct); true/false questions need only the right one
    learn_more_url: str = ""
    learn_more_title: str = ""
    resource_id: int | None = None  # a resource of the platform library


@dataclass(frozen=True)
class CheckedQuestion:
    """A question's clean values, ready to be written."""

    kind: QuestionKind
    text: str
    time_limit_s: int
    points: int
    options: list[tuple[str, bool]]
    learn_more_url: str
    learn_more_title: str
    resource: int | None = None

    def with_resource(self, resource: int | None) -> CheckedQuestion:
        return replace(self, resource=resource)

    def columns(self) -> dict[str, Any]:
        """The values of the question's own row (its options are rows of their own)."""
        return {
            "kind": self.kind, "text": self.text, "time_limit_s": self.time_limit_s, "points": self.points,
            "learn_more_url": self.learn_more_url, "learn_more_title": self.learn_more_title, "resource": self.resource,
        }


def validate_question(data: QuestionInput, language: str = "nl") -> CheckedQuestion:
    """Checks a question as an organiser wrote it; returns clean values or raises RuleViolation with the fields."""
    errors: dict[str, str] = {}
    kind = _kind(data.kind, errors)
    text = _text(data.text, errors)
    time_limit = _whole_number(
        data.time_limit_s, TIME_LIMIT_MIN, TIME_LIMIT_MAX, "time_limit_s",
        N_("The time limit is a number of seconds from 5 to 300"), errors,
    )
    points = _whole_number(data.points, 0, POINTS_MAX, "points", N_("Points are a whole number from 0 to 2000"), errors)
    options = _options(kind, data.options or [], language, errors)
    url = _learn_more_url(data.learn_more_url, errors)
    if errors:
        raise RuleViolation(next(iter(errors.values())), errors)
    return CheckedQuestion(
        kind=kind,
        text=text,
        time_limit_s=time_limit,
        points=0 if kind == QuestionKind.POLL else points,
        options=options,
        learn_more_url=url,
        learn_more_title=clean_text(data.learn_more_title, LINK_TITLE_MAX)[:LINK_TITLE_MAX],
    )


def _kind(value: Any, errors: dict[str, str]) -> QuestionKind | None:
    try:
        return QuestionKind(value)
    except ValueError:
        errors["kind"] = N_("Choose a kind of question")
        return None


def _text(value: Any, errors: dict[str, str]) -> str:
    text = clean_text(value, TEXT_MAX)
    if not text:
        errors["text"] = N_("Write the question")
    elif len(text) > TEXT_MAX:
        errors["text"] = N_("The question is too long (at most 500 characters)")
    return text


def _whole_number(value: Any, low: int, high: int, name: str, message: str, errors: dict[str, str]) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        errors[name] = message
        return 0
    return number


def _options(
    kind: QuestionKind | None, written: list[tuple[str, bool]], language: str, errors: dict[str, str]
) -> list[tuple[str, bool]]:
    options = [(clean_text(t, OPTION_MAX), bool(c)) for t, c in written]
    options = [(t, c) for t, c in options if t]
    if kind == QuestionKind.TRUEFALSE:
        right = [t for t, c in options if c]
        truth = (right[0] if right else "").casefold() in TRUE_WORDS
        labels = ("Waar", "Niet waar") if language == "nl" else ("True", "False")
        return [(labels[0], truth), (labels[1], not truth)]
    if kind is None:
        return options
    problem = _options_problem(kind, options)
    if problem:
        errors["options"] = problem
    elif kind == QuestionKind.POLL:
        options = [(t, False) for t, _ in options]  # a poll has no right answer
    return options


def _options_problem(kind: QuestionKind, options: list[tuple[str, bool]]) -> str | None:
    if any(len(t) > OPTION_MAX for t, _ in options):
        return N_("An option is at most 200 characters")
    if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        return N_("Give from 2 to 6 options")
    if kind == QuestionKind.SINGLE and sum(c for _, c in options) != 1:
        return N_("Mark exactly one option as right")
    if kind == QuestionKind.MULTIPLE and not any(c for _, c in options):
        return N_("Mark at least one option as right")
    return None


def _learn_more_url(value: str, errors: dict[str, str]) -> str:
    url = (value or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > URL_MAX:
            errors["learn_more_url"] = N_("Give a web address starting with https://")
    return url
