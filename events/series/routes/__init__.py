"""Series on the web, by audience: `public` (the series page, its feed, subscribing and the links of its mails),
`back_office` (organisers' series) and `api` (/api/series…), and `sections` (what series add to other pages)."""

from events.series.routes import api, back_office, public

ROUTES = [*public.ROUTES, *back_office.ROUTES, *api.ROUTES]
