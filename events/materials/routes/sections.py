"""What materials add to other domains' pages: released files on the session and event pages and on a
registrant's manage page and in the attendees' follow-up mail, a way to the materials page on the organiser's dashboard, a column on the event list.
`MaterialsPlugin.contribute` registers each provider for its slot (`SECTIONS`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request

from events.accounts.service import CurrentUser
from events.kernel.i18n import N_
from events.kernel.sections import Section, SectionProvider
from events.materials import service
from events.materials.routes.shown import shown
from events.programme import service as programme
from events.registration.tables import RegistrationMailKind, RegistrationStatus


def _now(request: Request) -> datetime:
    return request.app.state.clock.now()


async def _released_by_session(
    event: dict, now: datetime, registrant: bool, token: str | None = None
) -> Section | None:
    """The event's released materials per session (registrants also see theirs, with links carrying `token`)."""
    sessions = await programme.sessions_of(event["id"])
    visible = await service.participant_materials(sessions, event, now, registrant=registrant)
    rows = [
        {"session": s, "materials": [shown(m, s, now, registration=token) for m in visible[s["id"]]]}
        for s in sessions if visible.get(s["id"])
    ]
    if not rows:
        return None
    return Section("materials/panel_event.html", {"rows": rows}, order=60)


async def session_panel(
    event: dict, session: dict, request: Request, current_user: CurrentUser | None = None, **_: Any
) -> Section | None:
    now = _now(request)
    visible = (await service.participant_materials([session], event, now, registrant=False))[session["id"]]
    if not visible:
        return None
    return Section("materials/panel_session.html", {"materials": [shown(m, session, now) for m in visible]}, order=50)


async def event_panel(event: dict, request: Request, **_: Any) -> Section | None:
    return await _released_by_session(event, _now(request), registrant=False)


async def manage_panel(event: dict, registration: dict, token: str, request: Request, **_: Any) -> Section | None:
    if registration.status != RegistrationStatus.CONFIRMED:
        return None
    return await _released_by_session(event, _now(request), registrant=True, token=token)


async def organiser_event_panel(event: dict, request: Request, **_: Any) -> Section | None:
    count = (await service.count_by_event([event["id"]])).get(event["id"], 0)
    return Section(
        "materials/panel_organiser.html",
        {"event": event, "count": count, "deadline_passed": service.deadline_passed(event, _now(request))},
        order=70,
    )


async def organiser_event_list_panel(events: list, request: Request, **_: Any) -> Section | None:
    counts = await service.count_by_event([e["id"] for e in events])
    return Section("", {"columns": [N_("Materials")], "values": {e["id"]: [counts.get(e["id"], 0)] for e in events}}, order=70)


async def registration_mail_panel(
    event: dict, kind: str, token: str = "", base_url: str = "", now: datetime | None = None, **_: Any
) -> Section | None:
    """The attendees' follow-up mail: the released materials per session, registrants' ones with a personal link."""
    if kind != RegistrationMailKind.FOLLOWUP_ATTENDED or now is None:
        return None
    section = await _released_by_session(event, now, registrant=True, token=token or None)
    if section is None:
        return None
    return Section("materials/_mail_materials", {**section.context, "base_url": base_url.rstrip("/")}, order=70)


SECTIONS: list[tuple[str, SectionProvider]] = [
    ("session_page", session_panel),
    ("event_page", event_panel),
    ("manage_page", manage_panel),
    ("registration_mail", registration_mail_panel),
    ("organiser_event", organiser_event_panel),
    ("organiser_event_list", organiser_event_list_panel),
]
