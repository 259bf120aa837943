"""Piccolo app of the audit trail."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "accounts")
