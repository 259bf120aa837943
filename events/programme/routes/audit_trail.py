"""The audit page of one event, for its organisation's editors and owners: who did what, and when (registrations
approved, refused, moved, cancelled, checked in, exported; resources linked; …)."""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from events.audit import service as audit
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import CurrentUserDep


@get("/organiser/events/{slug:str}/audit", guards=[organiser_guard], include_in_schema=False, name="programme:audit")
async def event_audit_page(slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.EDITOR)
    entries = await audit.entries(event_id=event["id"], limit=500)
    return Template("programme/organiser/audit.html", context={"event": event, "entries": entries})


ROUTES = [event_audit_page]
