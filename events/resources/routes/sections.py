"""What the library adds to other domains' pages and mails: the event's resources on its page (by aspect), a
session's on its page, the linking form on the organiser's dashboard, and the event's resources in the
confirmation and reminder mails. `ResourcesPlugin.contribute` registers each provider for its slot (`SECTIONS`)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from events.kernel.sections import Section, SectionProvider
from events.resources import service

# The confirmation (also after the waiting list), the reminder and the attendees' follow-up after the event.
MAIL_KINDS_WITH_RESOURCES = ("confirmed", "promoted", "reminder", "followup_attended")


async def event_page_panel(event: dict, **_: Any) -> Section | None:
    rows = await service.resources_of_event(event["id"])
    if not rows:
        return None
    return Section("resources/_event_resources.html", {"groups": service.group_by_aspect(rows), "aspects": service.ASPECTS}, order=50)


async def session_page_panel(session: dict, **_: Any) -> Section | None:
    rows = await service.resources_of_session(session["id"])
    if not rows:
        return None
    return Section("resources/_session_resources.html", {"resources": rows, "aspects": service.ASPECTS}, order=50)


async def organiser_event_panel(event: dict, request: Request, **_: Any) -> Section:
    linked = await service.resources_of_event(event["id"], include_retired=True)
    return Section(
        "resources/_organiser_event_resources.html",
        {
            "event": event,
            "resources": linked,
            "choices": await service.choices_by_aspect(exclude=[r.id for r in linked], keepers=[event["organisation"]]),
            "aspects": service.ASPECTS,
            "next": request.url.path,
        },
        order=60,
    )


async def registration_mail_panel(event: dict, kind: str = "", language: str = "nl", **_: Any) -> Section | None:
    if kind not in MAIL_KINDS_WITH_RESOURCES:
        return None
    rows = await service.resources_of_event(event["id"])
    if not rows:
        return None
    return Section(
        "resources/_mail_resources",
        {"groups": service.group_by_aspect(rows), "aspects": service.ASPECTS, "language": language},
        order=80,
    )


SECTIONS: list[tuple[str, SectionProvider]] = [
    ("event_page", event_page_panel),
    ("session_page", session_page_panel),
    ("organiser_event", organiser_event_panel),
    ("registration_mail", registration_mail_panel),
]
