"""Webhooks on the web: the owners' page (`back_office`) and the API (`api`)."""

from events.webhooks.routes import api, back_office

ROUTES = [*back_office.ROUTES, *api.ROUTES]
