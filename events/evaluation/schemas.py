"""msgspec Structs of the evaluation API."""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType


class QuestionIn(msgspec.Struct):
    kind: str  # scale | choice | open
    text_nl: str
    text_en: str = ""
    options_nl: list[str] = []
    options_en: list[str] = []
    required: bool = False


class QuestionPatch(msgspec.Struct):
    """Only the fields given change; `position` moves the question (0 is first)."""

    kind: str | UnsetType = UNSET
    text_nl: str | UnsetType = UNSET
    text_en: str | UnsetType = UNSET
    options_nl: list[str] | UnsetType = UNSET
    options_en: list[str] | UnsetType = UNSET
    required: bool | UnsetType = UNSET
    position: int | UnsetType = UNSET


class QuestionOut(msgspec.Struct):
    id: int | None  # None: a default the organiser has not edited (named by its key)
    key: str
    position: int
    kind: str
    text_nl: str
    text_en: str
    options_nl: list[str]
    options_en: list[str]
    required: bool


class QuestionPage(msgspec.Struct):
    items: list[QuestionOut]
    total: int
    page: int
    per_page: int


class FormPatch(msgspec.Struct):
    no_shows_may_answer: bool


class FormOut(msgspec.Struct):
    customised: bool
    no_shows_may_answer: bool


class Count(msgspec.Struct):
    value: int
    count: int


class OptionCount(msgspec.Struct):
    label: str
    count: int


class OpenAnswer(msgspec.Struct):
    text: str
    name: str | None  # only when the participant agreed to share it


class QuestionResult(msgspec.Struct):
    key: str
    kind: str
    text: str
    count: int
    mean: float | None = None
    distribution: list[Count] | None = None
    options: list[OptionCount] | None = None
    answers: list[OpenAnswer] | None = None


class LiveRating(msgspec.Struct):
    title: str
    session_id: int | None
    count: int
    mean: float | None
    comments: list[str]


class EvaluationResults(msgspec.Struct):
    responses: int
    questions: list[QuestionResult]
    live_ratings: list[LiveRating]
