"""The quiz's HTTP handlers, split by audience: `back_office` (the organiser's pages), `api` (`/api/...`: runs,
import and export), `authoring_api` (`/api/...`: quizzes and questions), `public` (the player's join page); `pages` holds what the HTML pages share. The sockets are in `events.quiz.sockets`.
"""

from events.quiz import sockets
from events.quiz.routes import api, authoring_api, back_office, public

ROUTES = [*back_office.ROUTES, *api.ROUTES, *authoring_api.ROUTES, *public.ROUTES, *sockets.SOCKETS]
