"""What registration's handlers are given and look up: the registration desk and the manage links (provided by
`RegistrationPlugin`), the public event and the registration a manage token names (404 otherwise), and the
context of the registration form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.di import NamedDependency

from events.kernel.errors import NotFound
from events.organisations import service as organisations
from events.programme import service as programme
from events.registration import service
from events.registration.desk import RegistrationDesk
from events.registration.rows import RegistrationRow
from events.registration.service import ManageLinks

# Handler parameters named `registration_desk` and `manage_links`.
RegistrationDeskDep = NamedDependency[RegistrationDesk]
ManageLinksDep = NamedDependency[ManageLinks]


async def public_event(slug: str) -> dict[str, Any]:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound("No event with this address")
    return event


INVALID_LINK = "This link is not valid (any more)."  # a manage token of no registration


async def by_token(token: str) -> RegistrationRow:
    row = await service.registration_by_token(token)
    if row is None:
        raise NotFound(INVALID_LINK)
    return row


async def form_context(event: dict[str, Any], now: datetime, values: dict | None = None, errors: dict | None = None,
                       themed: bool = True) -> dict:
    """What the registration form needs; `themed`: with the organisation's theme (not for the event page's section,
    whose page has it already)."""
    context = {
        "event": event,
        "questions": await service.questions_of(event["id"]),
        "closed_reason": service.registration_closed_reason(event, now),
        "places_left": await service.places_left(event),
        "values": values or {},
        "errors": errors or {},
    }
    if themed:
        context["theme"] = await event_theme(event)
    return context


async def event_theme(event: dict[str, Any]) -> organisations.Theme | None:
    """The colours and logo of the event's organisation (the register page and the embedded form wear them)."""
    if not event.get("organisation"):
        return None
    return organisations.theme_for(await organisations.organisation_by_id(event["organisation"]))
