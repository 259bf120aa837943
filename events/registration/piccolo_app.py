"""Piccolo app of the registration domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "accounts", "programme", "audit")
