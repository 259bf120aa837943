"""The live domain's HTTP handlers, split by audience: `public` (the participant's pages and the wall),
`back_office` (the moderator's screen and the ratings on the organiser's event page), `api` (`/api/...`).
The socket is in `events.live.sockets`."""

from events.live import sockets
from events.live.routes import api, back_office, public

ROUTES = [*back_office.ROUTES, *api.ROUTES, *public.ROUTES, *sockets.SOCKETS]
