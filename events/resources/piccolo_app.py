"""Piccolo app of the resources domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "accounts", "programme", "organisations")
