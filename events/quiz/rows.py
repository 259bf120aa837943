"""Typed rows the quiz's service hands to its routes and sockets: quizzes, questions, runs, players, standings,
stored results and the views a (re)connecting screen gets.

Field names are the columns' names, so templates read them as they read the rows before. Broadcast messages stay
plain dicts: they are the WebSocket protocol (README, "Quiz WebSocket protocol"), encoded as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.quiz.tables import QuestionKind, RunStatus


@dataclass(frozen=True, slots=True)
class QuizRow:
    id: int
    event: int
    session: int | None
    title: str
    accuracy_only: bool
    created_at: datetime
    question_count: int = 0  # filled where a list of quizzes shows it


@dataclass(frozen=True, slots=True)
class OptionRow:
    id: int
    question: int
    position: int
    text: str
    correct: bool


@dataclass(frozen=True, slots=True)
class QuestionRow:
    id: int
    quiz: int
    position: int
    kind: QuestionKind
    text: str
    time_limit_s: int
    points: int
    learn_more_url: str
    learn_more_title: str
    resource: int | None  # a resource of the platform library
    options: tuple[OptionRow, ...] = ()
    resource_url: str = ""  # the resource's address (export matches it on import)

    @property
    def correct_ids(self) -> list[int]:
        return [o.id for o in self.options if o.correct]


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    quiz: int
    host: int
    join_code: str
    active_code: str | None
    status: RunStatus
    position: int  # index of the current question in the quiz's order; -1 in the lobby
    question: int | None
    question_started_at: datetime | None
    question_deadline: datetime | None
    accepting_until_ms: int
    created_at: datetime
    finished_at: datetime | None
    player_count: int = 0  # filled where the quiz's list of runs shows it

    @classmethod
    def of(cls, row: dict[str, Any], player_count: int = 0) -> RunRow:
        return cls(**{**row, "status": RunStatus(row["status"])}, player_count=player_count)


@dataclass(frozen=True, slots=True)
class PlayerRow:
    id: int
    run: int
    nickname: str
    removed: bool
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class JoinedPlayer:
    player_id: int
    run_id: int
    nickname: str
    token: str  # shown once, to the player; only its hash is stored


@dataclass(frozen=True, slots=True)
class AnswerResult:
    accepted: bool
    question_id: int
    response_ms: int = 0
    reason: str = ""  # machine-readable: too_late | already_answered | closed | invalid | removed
    message: str = ""  # English msgid for people


@dataclass(frozen=True, slots=True)
class Standing:
    """A player's place in a run: score, right answers, answers and their total response time."""

    rank: int
    player_id: int
    nickname: str
    score: int
    correct: int
    total_response_ms: int
    answers: int
    response_ms: tuple[int | None, ...] = ()  # stored results only: per asked question, None when not answered


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: QuestionRow
    distribution: list[dict[str, Any]]  # per option: option_id, text, correct, count (as the reveal sends it)
    answered: int


@dataclass(frozen=True, slots=True)
class StoredResults:
    """A run's stored results, as the results page, its CSV and the API show them."""

    run: RunRow
    standings: list[Standing]
    questions: list[QuestionResult]  # the questions that were asked, in the quiz's order


@dataclass(slots=True)
class PlayerView:
    """What a player's phone gets after (re)connecting: the protocol's `welcome`."""

    player_id: int
    run_id: int
    nickname: str
    status: RunStatus
    score: int = 0
    rank: int | None = None  # leaderboard and finished only
    question: dict[str, Any] | None = None  # the shown question as the run sends it, with remaining_ms
    answered: bool = False
    podium: list[dict[str, Any]] | None = None  # finished only
    choices: list[int] | None = None  # while a question is shown
    correct: list[int] | None = None  # at the reveal
    points: int | None = None  # at the reveal

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "welcome",
            "player_id": self.player_id,
            "run_id": self.run_id,
            "nickname": self.nickname,
            "status": self.status,
            "score": self.score,
            "rank": self.rank,
            "question": self.question,
            "answered": self.answered,
            "choices": self.choices or [],  # always there (empty in the lobby and before answering)
        }
        for name, value in (("podium", self.podium), ("correct", self.correct),
                            ("points", self.points)):
            if value is not None:
                message[name] = value
        return message


@dataclass(slots=True)
class HostView:
    """What the host screen gets after (re)connecting: the protocol's `host_state`."""

    run_id: int
    status: RunStatus
    join_code: str
    quiz_title: str
    question_count: int
    players: list[dict[str, Any]]  # player_id, nickname
    question: dict[str, Any] | None = None
    answered: int = 0
    board: list[dict[str, Any]] | None = None  # leaderboard and finished only

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "host_state",
            "run_id": self.run_id,
            "status": self.status,
            "join_code": self.join_code,
            "quiz_title": self.quiz_title,
            "question_count": self.question_count,
            "players": self.players,
            "question": self.question,
            "answered": self.answered,
        }
        if self.board is not None:
            message["board"] = self.board
        return message
