"""Piccolo app of the accounts domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__)
