"""Piccolo app of the live domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "programme")
