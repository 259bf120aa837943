"""Invitations (RFC 5546 iTIP): METHOD:REQUEST when a participant is confirmed or promoted and whenever the
event changes, METHOD:CANCEL when they cancel or the event is cancelled. One UID per event, the event's SEQUENCE,
the event's contact as ORGANIZER and the participant as the ATTENDEE."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from icalendar import vCalAddress, vText

from events.ical.build.calendar_file import CalendarFile
from events.ical.build.components import event_component, manage_url, translate
from events.kernel.i18n import N_

METHODS = ("REQUEST", "CANCEL")


class InvitationError(ValueError):
    """An invitation cannot be built from these rows (no address, unknown method)."""


def attendee_address(registration: Mapping[str, Any], method: str) -> vCalAddress:
    email = (registration.get("email") or "").strip()
    if not email:
        raise InvitationError("A registration without an e-mail address gets no invitation")
    address = vCalAddress(f"mailto:{email}")
    if (registration.get("name") or "").strip():
        address.params["CN"] = vText(registration["name"].strip())
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    # Registering is the acceptance: clients show no accept/decline buttons and send no reply (RSVP=FALSE).
    address.params["PARTSTAT"] = "ACCEPTED" if method == "REQUEST" else "DECLINED"
    address.params["RSVP"] = "FALSE"
    return address


def build_invitation(
    event: Mapping[str, Any],
    registration: Mapping[str, Any],
    method: str,
    base_url: str,
    now: datetime,
    *,
    manage_token: str | None = None,
    organiser_email: str | None = None,
    organiser_name: str | None = None,
) -> bytes:
    """The .ics of an invitation for one registration: the whole event row (join URL included: the invite goes only
    to this participant) and the registration row (name, email, language). METHOD is REQUEST or CANCEL.

    `manage_token` is the plain manage token (only its hash is stored): with it the DESCRIPTION carries the manage
    link. `organiser_email`/`organiser_name` stand in when the event has no contact address (never a no-reply)."""
    method = method.upper()
    if method not in METHODS:
        raise InvitationError(f"Unknown iTIP method {method!r}")
    if method == "REQUEST" and registration.get("status") not in (None, "confirmed"):
        # A waiting-list or pending place is no meeting yet: a REQUEST would put it in the calendar as accepted.
        raise InvitationError("Only a confirmed registration gets a calendar invitation")
    event = dict(event)
    if not (event.get("contact_email") or "").strip():
        if not organiser_email:
            raise InvitationError("The event has no contact address to put in ORGANIZER")
        event["contact_email"] = organiser_email
        event["contact_name"] = event.get("contact_name") or organiser_name or ""
    language = event.get("language") or registration.get("language") or "nl"  # the language of the mail it rides in
    cancel = method == "CANCEL"
    extra = []
    if cancel and event.get("status") != "cancelled":
        extra.append(translate(language, N_("Your registration has been cancelled.")))
    if manage_token:
        extra.append(translate(language, N_("View or cancel your registration: %(url)s"), url=manage_url(base_url, manage_token)))
    calendar = CalendarFile(method)
    component, tzid = event_component(
        event,
        base_url,
        public=cancel,  # a cancellation needs no join URL
        stamp=now,  # iTIP: DTSTAMP is when this message was made
        language=language,
        alarms=not cancel,
        extra_description=extra,
        status="CANCELLED" if cancel else "CONFIRMED",
    )
    if cancel:
        component.pop("TRANSP", None)
        component.add("transp", "TRANSPARENT")
    component.add("attendee", attendee_address(registration, method))
    calendar.times(component, event["starts_at"], event["ends_at"], tzid)
    calendar.add(component)
    return calendar.to_bytes()
