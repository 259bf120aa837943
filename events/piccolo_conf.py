"""Piccolo's configuration: the engine (from settings) and the registry of the domain apps.

`events.kernel.database.bind_engine` replaces DB at run time; the value here serves Piccolo's own CLI
(`piccolo migrations new <app> --auto`), which reads EVENTS_DATABASE_URL like the app does.
"""

import os

from piccolo.conf.apps import AppRegistry

from events.kernel.database import make_engine
from events.kernel.settings import parse_database_url

DB = make_engine(parse_database_url(os.environ.get("EVENTS_DATABASE_URL") or "sqlite:///var/events.db"))

# Order matters only for readability; migration dependencies decide the order they run in.
APP_REGISTRY = AppRegistry(
    apps=[
        "events.accounts.piccolo_app",
        "events.audit.piccolo_app",
        "events.organisations.piccolo_app",
        "events.programme.piccolo_app",
        "events.registration.piccolo_app",
        "events.mail.piccolo_app",
        "events.quiz.piccolo_app",
        "events.materials.piccolo_app",
        "events.resources.piccolo_app",
        "events.live.piccolo_app",
        "events.webhooks.piccolo_app",
        "events.embeds.piccolo_app",
        "events.imports.piccolo_app",
        "events.series.piccolo_app",
    ]
)
