"""The organisations on the web: the team and settings pages, the theme (stylesheet, logo), the invitation page, the admin's list and the API."""

from events.organisations.routes import admin, api, back_office, public, theme

ROUTES = [*back_office.ROUTES, *public.ROUTES, *theme.ROUTES, *admin.ROUTES, *api.ROUTES]
