"""Imports over HTTP, by audience: the API (`api`) and the event's back-office page (`back_office`)."""

from events.imports.routes import api, back_office

ROUTES = [*api.ROUTES, *back_office.ROUTES]

__all__ = ["ROUTES"]
