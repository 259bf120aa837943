"""Pages that several domains contribute to, without the page's own domain importing theirs.

A domain registers a provider for a named slot (in its `routes.py`, which the app imports); the page's route
calls `collect(slot, …)` and its template includes each panel:

    {% for panel in panels %}{% include panel.template %}{% endfor %}   (the partial reads `panel.context`)

Slots and the keyword arguments their providers get:
- "event_page":      event (dict row of programme_event), request, current_user
- "session_page":    event, session (dict rows), request, current_user
- "manage_page":     event, registration (dict rows), token (the manage token), request
- "organiser_event": event (dict row), request, current_user   — the organiser's dashboard of one event
- "speaker_home":    speaker (CurrentUser), request
- "organiser_event_list": events (list of dict rows), request — return a Panel whose context is
      {"columns": [label, …], "values": {event_id: [value, …]}}: extra columns on the organiser's event list
- "registration_mail": event, registration (dict rows), kind ("confirmed", "reminder", …), language — mails render
      `panel.template + ".txt"` in the text part and `panel.template + ".html"` in the HTML part
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100  # lower comes first


PanelProvider = Callable[..., Awaitable[Panel | None]]
_providers: dict[str, list[PanelProvider]] = defaultdict(list)


def panel(slot: str) -> Callable[[PanelProvider], PanelProvider]:
    def register(provider: PanelProvider) -> PanelProvider:
        if provider not in _providers[slot]:
            _providers[slot].append(provider)
        return provider

    return register


async def collect(slot: str, **kwargs: Any) -> list[Panel]:
    panels = [p for provider in _providers[slot] if (p := await provider(**kwargs)) is not None]
    return sorted(panels, key=lambda p: p.order)
