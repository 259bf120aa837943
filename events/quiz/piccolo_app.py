"""Piccolo app of the quiz domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "accounts", "programme", "resources")
