"""Accounts: sign-in, personal links and API tokens."""

from __future__ import annotations

from events.accounts import routes
from events.web.domain_plugin import DomainPlugin


class AccountsPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
