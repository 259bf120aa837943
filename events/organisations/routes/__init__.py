"""The organisations on the web: the team and settings pages, the invitation page, the admin's list and the API."""

from events.organisations.routes import admin, api, back_office, public

ROUTES = [*back_office.ROUTES, *public.ROUTES, *admin.ROUTES, *api.ROUTES]
