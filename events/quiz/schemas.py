"""API shapes of the quiz domain."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct


class JoinRequest(Struct):
    code: Annotated[str, Meta(max_length=20)]
    nickname: Annotated[str, Meta(max_length=100)]


class JoinResponse(Struct):
    player_token: str  # keep it (localStorage) and send it in the socket's "hello" to come back after a reload
    player_id: int
    run_id: int
    nickname: str
    socket_url: str


class ExportOption(Struct):
    text: str
    correct: bool = False


class ExportQuestion(Struct):
    kind: str
    text: str
    time_limit_s: Annotated[int, Meta(ge=5, le=300, description="seconds to answer, 5 to 300")] = 20
    points: Annotated[int, Meta(ge=0, le=2000, description="points for a right answer, 0 to 2000")] = 1000
    learn_more_url: str = ""
    learn_more_title: str = ""
    resource_url: str = ""  # a platform resource, matched by URL on import
    options: list[ExportOption] = []


class QuizExport(Struct):
    format: str
    title: str
    accuracy_only: bool
    questions: list[ExportQuestion]


class HostActionDone(Struct):
    run_id: int
    status: str
    message: dict[str, Any]  # what was broadcast to the run's sockets


class PlayerResult(Struct):
    rank: int
    nickname: str
    score: int
    correct_answers: int
    total_response_ms: int
    response_ms: list[int | None]  # per asked question, None when not answered


class RunResults(Struct):
    run_id: int
    status: str
    standings: list[PlayerResult]
    questions: list[dict[str, Any]]
