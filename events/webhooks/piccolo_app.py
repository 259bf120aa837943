"""Piccolo app of the webhooks domain."""

from events.kernel.apps import domain_app

APP_CONFIG = domain_app(__name__, "organisations")
