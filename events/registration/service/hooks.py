"""What registration reports to the organisation's webhooks when a registration enters a status (written with
the change, in its transaction; see `events.webhooks.service.emitting`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from events.registration.tables import RegistrationStatus
from events.webhooks import service as webhooks
from events.webhooks.tables import EventType

STATUS_EVENTS = {
    RegistrationStatus.CONFIRMED: EventType.REGISTRATION_CONFIRMED,
    RegistrationStatus.WAITLISTED: EventType.REGISTRATION_WAITLISTED,
}


def status_happenings(
    event: Mapping[str, Any], registration: Mapping[str, Any], created: bool = False
) -> list[webhooks.Happening]:
    """`registration.created` for a new (or revived) registration, then the status it entered, when reported."""
    happenings = [webhooks.about_registration(EventType.REGISTRATION_CREATED, event, registration)] if created else []
    status_event = STATUS_EVENTS.get(registration["status"])
    if status_event:
        happenings.append(webhooks.about_registration(status_event, event, registration))
    return happenings
