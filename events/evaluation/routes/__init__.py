"""The evaluation's routes: the participant's form (`public`), the organiser's results and question editor
(`back_office`), the API (`api`) and the sections it adds to other domains' pages and mails (`sections`)."""

from events.evaluation.routes import api, back_office, public
from events.evaluation.routes.sections import SECTIONS

ROUTES = [*public.ROUTES, *back_office.ROUTES, *api.ROUTES]

__all__ = ["ROUTES", "SECTIONS"]
