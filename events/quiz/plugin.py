"""The live quiz: authoring, runs, host and player screens and their sockets, wired into the app."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar.config.app import AppConfig
from litestar.di import Provide

from events.kernel import statement_writer
from events.kernel.sections import provide
from events.kernel.settings import Settings
from events.programme import service as programme
from events.quiz import routes
from events.quiz.broadcasts import AnswerCounts, ChannelsDep
from events.quiz.routes.back_office import quizzes_panel
from events.quiz.service.duplication import copy_quizzes
from events.web.domain_plugin import DomainPlugin


@contextlib.asynccontextmanager
async def statement_writers_lifespan(app: Any) -> AsyncIterator[None]:
    """Closes this worker's SQLite statement writers (answers and joins) at shutdown: their threads are not daemons."""
    try:
        yield
    finally:
        await statement_writer.close_statement_writers()


class QuizPlugin(DomainPlugin):
    """Adds the quiz's routes and sockets, closes the statement writers at shutdown, puts the quizzes section on
    the organiser's event page, and keeps the worker's answer counts (`answer_counts`, one per app)."""

    route_handlers = routes.ROUTES
    lifespans = (statement_writers_lifespan,)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._answer_counts: AnswerCounts | None = None

    def contribute(self, app_config: AppConfig) -> None:
        provide("organiser_event", quizzes_panel)
        programme.on_event_duplicate(copy_quizzes)
        app_config.dependencies["answer_counts"] = Provide(self.answer_counts, sync_to_thread=False)

    def answer_counts(self, channels: ChannelsDep) -> AnswerCounts:
        """The worker's answer counts, made on first use with the app's channels."""
        if self._answer_counts is None:
            self._answer_counts = AnswerCounts(channels)
        return self._answer_counts
