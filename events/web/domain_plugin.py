"""How a domain wires itself into the app: a Litestar init plugin that adds its routes and its lifespan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar

from litestar.config.app import AppConfig
from litestar.plugins import InitPlugin

from events.kernel.settings import Settings


class DomainPlugin(InitPlugin):
    """Subclasses name their route handlers and lifespans; `contribute` registers what they add to other domains'
    pages, mails and jobs (called once per app). A plugin is made with the app's settings."""

    route_handlers: ClassVar[Sequence[Any]] = ()
    lifespans: ClassVar[Sequence[Callable[[Any], AbstractAsyncContextManager]]] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(self.route_handlers)
        app_config.lifespan.extend(self.lifespans)
        self.contribute(app_config)
        return app_config

    def contribute(self, app_config: AppConfig) -> None:
        """Register contributions; nothing by default."""
