"""Piccolo app of the embeds domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "organisations")
