"""Organisations: the team and settings pages, invitations, the admin's list and the API."""

from __future__ import annotations

from events.organisations import routes
from events.web.domain_plugin import DomainPlugin


class OrganisationsPlugin(DomainPlugin):
    route_handlers = routes.ROUTES
