"""create_app(settings) -> Litestar: the one place where everything is wired."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, Request
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, Contact, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from piccolo.engine.base import Engine

from events.accounts.plugin import AccountsPlugin
from events.accounts.service import CurrentUser
from events.certificates.plugin import CertificatesPlugin
from events.embeds.plugin import EmbedsPlugin
from events.evaluation.plugin import EvaluationPlugin
from events.imports.plugin import ImportsPlugin
from events.kernel import database
from events.kernel.clock import Clock
from events.kernel.settings import Settings
from events.live.plugin import LivePlugin
from events.mail.plugin import MailPlugin
from events.materials.plugin import MaterialsPlugin
from events.organisations.plugin import OrganisationsPlugin
from events.programme.plugin import ProgrammePlugin
from events.quiz.plugin import QuizPlugin
from events.registration.plugin import RegistrationPlugin
from events.resources.plugin import ResourcesPlugin
from events.series.plugin import SeriesPlugin
from events.web.access_log import AccessLog
from events.web.auth import SKIP_COMPRESSION, AuthenticationMiddleware
from events.web.cookies import csrf_cookie, session_cookie
from events.web.csrf import ScopedCSRFMiddleware, csrf_config
from events.web.errors import EXCEPTION_HANDLERS, before_request
from events.web.fanout import Fanout, fanout_lifespan
from events.web.headers import API_VERSION, security_headers
from events.web.openapi import API_DESCRIPTION, describe_error_answers
from events.web.pagination import PAGING
from events.web.plugin import WebPlugin
from events.web.public_cache import PublicCacheMiddleware
from events.web.ratelimit import RateLimitMiddleware, rate_limit_lifespan
from events.web.sessions import LazySessionConfig
from events.web.templating import template_config
from events.webhooks.plugin import WebhooksPlugin

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
# Each domain wires itself (routes, lifespan, contributions); routes are registered in this order.
DOMAIN_PLUGINS = (
    WebPlugin, AccountsPlugin, OrganisationsPlugin, ProgrammePlugin, RegistrationPlugin, MailPlugin, QuizPlugin,
    MaterialsPlugin, ResourcesPlugin, LivePlugin, WebhooksPlugin, EmbedsPlugin, ImportsPlugin, SeriesPlugin,
    EvaluationPlugin, CertificatesPlugin,
)

log = logging.getLogger("events")


def _session_store(settings: Settings) -> Store:
    if settings.redis_url:
        from litestar.stores.redis import RedisStore  # noqa: PLC0415 - only with EVENTS_REDIS_URL; needs the redis client

        return RedisStore.with_client(url=settings.redis_url, namespace="events-sessions")
    return FileStore(path=settings.data_dir / "sessions")


def _channels_backend(settings: Settings):
    if settings.redis_url:
        from litestar.channels.backends.redis import RedisChannelsPubSubBackend  # noqa: PLC0415 - only with EVENTS_REDIS_URL
        from redis.asyncio import Redis  # noqa: PLC0415 - only with EVENTS_REDIS_URL

        return RedisChannelsPubSubBackend(redis=Redis.from_url(settings.redis_url))
    return MemoryChannelsBackend()


def create_app(settings: Settings, clock: Clock | None = None, engine: Engine | None = None) -> Litestar:
    """The app for these settings; tests pass their own clock and engine (whose pool they open and close)."""
    clock = clock or Clock()
    # The session store, mail files and uploads live here; a fresh data dir must not fail the first sign-in.
    (settings.data_dir / "sessions").mkdir(parents=True, exist_ok=True)
    owns_engine = engine is None
    engine = engine or database.make_engine(settings.database)
    database.bind_engine(engine)
    channels = _channels(settings)
    fanout = Fanout(channels)  # the worker's fan-out of broadcasts to its sockets
    app = Litestar(
        route_handlers=[create_static_files_router(path="/static", directories=[STATIC_DIR], opt={"csrf_free": True})],
        state=State({"settings": settings, "clock": clock, "engine": engine}),
        dependencies=_dependencies(settings, clock, engine, fanout),
        middleware=_middleware(settings),
        stores={"sessions": _session_store(settings)},
        before_send=[security_headers(settings)],
        before_request=before_request,
        plugins=[channels, *(plugin(settings) for plugin in DOMAIN_PLUGINS)],
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[_database_lifespan(engine, owns_engine), rate_limit_lifespan(settings), fanout_lifespan(fanout)],
        openapi_config=_openapi_config(settings),
        # Material downloads are PDFs/Office/video (already compressed) and keep their Content-Length.
        # A probe's answer (opt BARE) is a few bytes: not even the middleware's look at Accept-Encoding.
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1024, exclude=["/ws/", "/static/", "/materials/"], exclude_opt_key=SKIP_COMPRESSION
        ),
        request_max_body_size=settings.max_upload_bytes + 1024 * 1024,
        debug=settings.debug,
    )
    describe_error_answers(app)
    return app


def served_app(settings: Settings):
    """What `events serve` runs: the app, inside the access log when EVENTS_ACCESS_LOG is on (the default)."""
    app = create_app(settings)
    # The objects of start-up (modules, routes, templates: most of the heap) never become garbage: frozen, the
    # cyclic collector stops walking them at every full collection (3% of the manage page under load).
    gc.collect()
    gc.freeze()
    return AccessLog(app) if settings.access_log else app


def _database_lifespan(engine: Engine, owns_engine: bool):
    """Binds the tables to the engine; opens and closes its pool unless the caller (a test) owns it."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        database.bind_engine(engine)
        if owns_engine:
            await database.start(engine)
        try:
            yield
        finally:
            if owns_engine:
                await database.stop(engine)

    return lifespan


def _channels(settings: Settings) -> ChannelsPlugin:
    return ChannelsPlugin(
        backend=_channels_backend(settings),
        arbitrary_channels_allowed=True,
        create_ws_route_handlers=False,
        subscriber_max_backlog=1000,
        subscriber_backlog_strategy="dropleft",
    )


def _dependencies(settings: Settings, clock: Clock, engine: Engine, fanout: Fanout) -> dict[str, Provide]:
    def provide_user(request: Request) -> CurrentUser | None:
        return request.scope.get("user")

    return {
        "settings": Provide(lambda: settings, sync_to_thread=False),
        "clock": Provide(lambda: clock, sync_to_thread=False),
        "current_user": Provide(provide_user, sync_to_thread=False),
        "engine": Provide(lambda: engine, sync_to_thread=False),
        "fanout": Provide(lambda: fanout, sync_to_thread=False),
        "paging": PAGING,
    }


def _middleware(settings: Settings) -> list:
    sessions = LazySessionConfig(
        key=session_cookie(settings),
        max_age=8 * 3600,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        renew_on_access=True,
    )
    csrf = DefineMiddleware(
        ScopedCSRFMiddleware,
        config=csrf_config(settings.secret_key, settings.secure_cookies, csrf_cookie(settings)),
        session_cookie=session_cookie(settings),
    )
    # The public cache answers anonymous public reads before sessions, CSRF and authentication run.
    limits = [RateLimitMiddleware] if settings.rate_limits else []
    return [*limits, PublicCacheMiddleware, sessions.middleware, csrf, AuthenticationMiddleware]


def _openapi_config(settings: Settings) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="events",
        version=API_VERSION,
        description=API_DESCRIPTION,
        contact=Contact(name="Platform weerbare overheid", email=settings.contact_email, url=settings.base_url),
        path="/schema",
        # JSON only: a UI would load scripts from other hosts, which our CSP (rightly) refuses.
        render_plugins=[JsonRenderPlugin(path=["/openapi.json", "/"])],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(type="http", scheme="bearer", description="An API token from `events token create`."),
            }
        ),
    )
