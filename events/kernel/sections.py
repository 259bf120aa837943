"""Sections: parts of a page or a mail that another domain fills, so the page's (or mail's) own domain does not
import the domains that add to it (materials on the event page, the event's resources in a confirmation).

A domain's plugin registers a provider for a named slot; the page's route (or the mail's composer) asks for the
slot's sections and its template includes each one:

    {% for section in sections %}{% include section.template %}{% endfor %}   (the partial reads `section.context`)

Slots and the keyword arguments their providers get:
- "event_page":      event (row of programme_event), request, current_user
- "session_page":    event, session (rows), request, current_user
- "manage_page":     event (row), registration (a registration.rows.RegistrationRow), token (the manage token), request
- "organiser_event": event (row), request, current_user   — the organiser's dashboard of one event
- "speaker_home":    speaker (CurrentUser), request
- "organiser_event_list": events (list of rows), request — return a Section whose context is
      {"columns": [label, …], "values": {event_id: [value, …]}}: extra columns on the organiser's event list
- "registration_mail": event (row), registration (a RegistrationRow), kind ("confirmed", "reminder", "followup_attended",
      "followup_no_show", …), language, token (the manage token, for personal links), base_url (links in a mail are
      absolute), now — mails render `section.template + ".txt"` in the text part and `section.template + ".html"`
      in the HTML part, with the parent's `manage_url` at hand
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100  # lower comes first


SectionProvider = Callable[..., Awaitable[Section | None]]
_providers: dict[str, list[SectionProvider]] = defaultdict(list)


def provide(slot: str, provider: SectionProvider) -> None:
    """Register `async provider(**slot arguments) -> Section | None` for a slot (once, however often called)."""
    if provider not in _providers[slot]:
        _providers[slot].append(provider)


def provides(slot: str) -> Callable[[SectionProvider], SectionProvider]:
    """`provide` as a decorator."""

    def register(provider: SectionProvider) -> SectionProvider:
        provide(slot, provider)
        return provider

    return register


async def sections_for(slot: str, **arguments: Any) -> list[Section]:
    """The sections the providers of this slot give for these arguments, in their order."""
    found = [s for provider in _providers[slot] if (s := await provider(**arguments)) is not None]
    return sorted(found, key=lambda s: s.order)
