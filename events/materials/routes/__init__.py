"""Speaker materials over HTTP, by audience: the speaker's home (`speaker`), the organiser's materials page
(`back_office`), the download (`downloads`) and the API (`api`); `sections` holds what materials add to other
domains' pages, `upload_stream` reads an upload from the request stream, `shown` shapes materials for pages."""

from __future__ import annotations

from events.materials.routes import api, back_office, downloads, speaker

# In this order in the OpenAPI document, as before the split.
ROUTES = [*speaker.ROUTES, *back_office.ROUTES, *downloads.ROUTES, *api.ROUTES]
