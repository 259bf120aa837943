"""The ORGANIZER of every calendar file of an event (RFC 5546 §3.2.1 requires one for METHOD:PUBLISH and REQUEST):
one rule for downloads, feeds and invitations — the event's contact address, else its organisation's, else the
site's sender address (EVENTS_MAIL_FROM). It fills `contact_email`/`contact_name`, which the calendar builder
(`events.ical.build.organizer_address`) reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from email.utils import parseaddr
from typing import Any

from events.organisations.tables import Organisation


def _has_contact(event: Mapping[str, Any]) -> bool:
    return bool((event.get("contact_email") or "").strip())


async def with_organizers(events: Iterable[Mapping[str, Any]], sender: str) -> list[dict[str, Any]]:
    """The events, each with the contact address its calendar files name as ORGANIZER."""
    events = [dict(event) for event in events]
    missing = {e["organisation"] for e in events if not _has_contact(e) and e.get("organisation")}
    contacts: dict[int, dict[str, Any]] = {}
    if missing:
        rows = await Organisation.select(Organisation.id, Organisation.name, Organisation.contact_email).where(
            Organisation.id.is_in(sorted(missing))
        )
        contacts = {row["id"]: row for row in rows if (row["contact_email"] or "").strip()}
    sender_name, sender_email = parseaddr(sender or "")
    for event in events:
        if _has_contact(event):
            continue
        organisation = contacts.get(event.get("organisation"))
        if organisation is not None:
            event.update(contact_email=organisation["contact_email"].strip(), contact_name=organisation["name"])
        elif sender_email:
            event.update(contact_email=sender_email, contact_name=sender_name)
    return events


async def with_organizer(event: Mapping[str, Any], sender: str) -> dict[str, Any]:
    return (await with_organizers([event], sender))[0]
