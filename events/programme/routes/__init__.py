"""The programme on the web, by audience: `public` (home, archive, event, session and speaker pages, privacy),
`back_office` (organisers' events, status, the programme editor, speakers), `audit_trail` (an event's audit page), `duplication` (copying an event), `api` (/api/events…), `speakers_api` (an event's speakers) and `calendar`
(the public .ics files and the event page's "add to calendar" section)."""

from events.programme.routes import api, audit_trail, back_office, calendar, duplication, public, speakers_api

ROUTES = [*calendar.ROUTES, *public.ROUTES, *back_office.ROUTES, *audit_trail.ROUTES, *api.ROUTES, *duplication.ROUTES,
          *speakers_api.ROUTES]
