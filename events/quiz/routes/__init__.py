"""The quiz's HTTP handlers, split by audience: `back_office` (the organiser's pages), `api` (`/api/...`),
`public` (the player's join page); `pages` holds what the HTML pages share. The sockets are in `events.quiz.sockets`.
"""

from events.quiz import sockets
from events.quiz.routes import api, back_office, public

ROUTES = [*back_office.ROUTES, *api.ROUTES, *public.ROUTES, *sockets.SOCKETS]
