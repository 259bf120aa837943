"""What registration adds to the programme's pages (page sections, registered by `RegistrationPlugin.contribute`):
the way to the registration form on the event page, the counts on the organiser's event list and event dashboard."""

from __future__ import annotations

from typing import Any

from litestar import Request

from events.kernel.sections import Section
from events.mail import service as mail
from events.registration import service
from events.registration.tables import RegistrationStatus


async def event_page_panel(event: dict[str, Any], request: Request, **_: Any) -> Section:
    """Why registering is closed, or the way to the registration page. No form and no places left: the event
    page is shared by every anonymous visitor from the public cache, and the count changes with every registration
    (the registration page, never cached, shows both)."""
    return Section(
        template="registration/_event_panel.html",
        context={"event": event, "closed_reason": service.registration_closed_reason(event, request.app.state.clock.now())},
        order=10,
    )


async def organiser_event_list_panel(events: list[dict[str, Any]], **_: Any) -> Section:
    counts = await service.status_counts([e["id"] for e in events])
    return Section(
        template="",
        context={
            "columns": ["Confirmed", "Waiting list", "Capacity"],
            "values": {
                e["id"]: [counts[e["id"]][RegistrationStatus.CONFIRMED], counts[e["id"]][RegistrationStatus.WAITLISTED],
                          e["capacity"] if e["capacity"] is not None else "∞"]
                for e in events
            },
        },
    )


async def organiser_event_panel(event: dict[str, Any], **_: Any) -> Section:
    counts = (await service.status_counts([event["id"]]))[event["id"]]
    return Section(
        template="registration/_organiser_panel.html",
        context={"event": event, "counts": counts, "mail": await mail.mail_counts(event["id"])},
        order=10,
    )


# (slot, provider): the plugin registers each once.
SECTIONS = (
    ("event_page", event_page_panel),
    ("organiser_event_list", organiser_event_list_panel),
    ("organiser_event", organiser_event_panel),
)
