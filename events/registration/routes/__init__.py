"""Registration's HTTP side, by audience: the participant's pages and calendar files (`public`), the organiser's
back office (`back_office`, `reminders`, `followup`, `attendance` with the join link), the API (`api`, and `organiser_api` for one registration and the questions), and the sections it adds to the programme's pages (`sections`)."""

from events.registration.routes import (
          api,
          attendance,
          back_office,
          followup,
          organiser_api,
          public,
          reminders,
)
from events.registration.routes.sections import SECTIONS

ROUTES = [*public.ROUTES, *back_office.ROUTES, *reminders.ROUTES, *followup.ROUTES, *attendance.ROUTES, *api.ROUTES,
          *organiser_api.ROUTES]

__all__ = ["ROUTES", "SECTIONS"]
