"""A participant's calendar: the invitation (RFC 5546) their mails carry and their manage token downloads, and
their personal feed (reached by a key derived from the registration, which can read but never cancel).

Which method an invitation carries follows `invitation_method`, and what it shows of the online meeting follows
`links.join_url_for`: the same rules for mails, downloads and the feed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from events.ical.build import build_personal_feed, translate
from events.ical.document import CalendarDocument, latest
from events.ical.invitations import build_invitation
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.kernel.tokens import same_secret
from events.programme import service as programme
from events.programme.tables import EventStatus
from events.registration.service.addresses import confirm_address
from events.registration.service.links import event_as_seen_by, join_token
from events.registration.service.queries import registration_row_by_token
from events.registration.tables import ACTIVE_STATUSES, Registration, RegistrationStatus

REQUEST, CANCEL = "REQUEST", "CANCEL"


def feed_key(registration_id: int, token_hash: str, secret_key: str) -> str:
    """The personal feed's secret: `<id>-<HMAC>`. Derived from the stored token hash, so it never reveals the manage
    token (a calendar server that fetches the feed cannot cancel), and a new manage token retires old feed links."""
    mac = hmac.new(secret_key.encode(), f"ical-feed:{registration_id}:{token_hash}".encode(), hashlib.sha256)
    return f"{registration_id}-{mac.hexdigest()[:40]}"


async def registration_by_feed_key(key: str, secret_key: str) -> dict[str, Any] | None:
    head, _, _mac = key.partition("-")
    if not head.isdigit() or len(key) > 100:
        return None
    row = await Registration.select().where(Registration.id == int(head)).first()
    if row is None or not same_secret(feed_key(row["id"], row["token_hash"], secret_key), key):
        return None
    return row


def invitation_method(event: Mapping[str, Any], status: str) -> str | None:
    """REQUEST for a confirmed place in a live event, CANCEL once either is cancelled, None otherwise (waiting list,
    awaiting approval, rejected: there is no meeting to put in a calendar yet)."""
    if status == RegistrationStatus.REJECTED:
        return None
    if status == RegistrationStatus.CANCELLED or event["status"] == EventStatus.CANCELLED:
        return CANCEL
    if status == RegistrationStatus.CONFIRMED:
        return REQUEST
    return None


async def organiser_contact(event: Mapping[str, Any], sender: str) -> dict[str, Any] | None:
    """ORGANIZER's stand-in when the event has no contact address, by the programme's one rule
    (`programme.with_organizer`: the organisation's address, else the sender); None when the event has one."""
    if (event.get("contact_email") or "").strip():
        return None
    filled = await programme.with_organizer(event, sender)
    return {"email": filled.get("contact_email") or "", "name": filled.get("contact_name") or ""}


async def invitation_for(
    event: Mapping[str, Any],
    registration: Mapping[str, Any],
    method: str,
    base_url: str,
    now: datetime,
    manage_token: str | None,
    organiser: Mapping[str, Any] | None = None,
    join_link: str | None = None,
    sender: str = "",
) -> bytes:
    """The invitation of one registration, as mails and the manage page send it: the event as this registrant may
    see it, and the ORGANIZER fallback filled in (`organiser`, when the caller read it already)."""
    contact = organiser if organiser is not None else await organiser_contact(event, sender)
    return build_invitation(
        event_as_seen_by(event, registration["status"], join_link), registration, method, base_url, now,
        manage_token=manage_token, organiser_email=(contact or {}).get("email"), organiser_name=(contact or {}).get("name"),
    )


async def invitation_download(token: str, base_url: str, now: datetime, secret_key: str, sender: str = "") -> CalendarDocument:
    registration = await registration_row_by_token(token)
    if registration is None:
        raise NotFound(N_("This link is not valid (any more)."))
    event = await programme.event_by_id(registration["event"])
    if event is None or event["status"] == EventStatus.DRAFT:
        raise NotFound(N_("This link is not valid (any more)."))
    method = invitation_method(event, registration["status"])
    if method is None:
        raise NotFound(N_("There is no calendar invitation until your place is confirmed."))
    join_link = f"{base_url}/j/{join_token(secret_key, registration)}"
    data = await invitation_for(event, registration, method, base_url, now, token, join_link=join_link, sender=sender)
    return CalendarDocument(data, None, "invite.ics")


async def personal_feed(
    key: str, base_url: str, secret_key: str, default_language: str, now: datetime, sender: str = ""
) -> CalendarDocument:
    """Every current registration of the e-mail address behind this key that the address's owner confirmed through
    a mail (`address_confirmed_at`: the key itself travels only by mail, so its own registration counts), with its
    event (join URL only when confirmed). A registration somebody else made with the address stays out until its
    owner opens its mail. Cancelled registrations leave the feed; a cancelled event stays, marked CANCELLED."""
    anchor = await registration_by_feed_key(key, secret_key)
    if anchor is None or not anchor.get("email_normalised"):
        raise NotFound(N_("This link is not valid (any more)."))
    await confirm_address(anchor, now)
    rows = await Registration.select().where(
        (Registration.email_normalised == anchor["email_normalised"])
        & Registration.status.is_in(list(ACTIVE_STATUSES))
        & (Registration.address_confirmed_at.is_not_null() | (Registration.id == anchor["id"]))
    ).order_by(Registration.id)
    entries = []
    for registration in rows:
        event = await programme.event_by_id(registration["event"])
        if event is not None and event["status"] != EventStatus.DRAFT:
            event = await programme.with_organizer(event, sender)
            join_link = f"{base_url}/j/{join_token(secret_key, registration)}"
            entries.append((event_as_seen_by(event, registration["status"], join_link), registration))
    entries.sort(key=lambda pair: (pair[0]["starts_at"], pair[0]["id"]))
    name = translate(anchor.get("language") or default_language, N_("My events"))
    data = build_personal_feed(
        entries, base_url, manage_link=lambda _r: None, name=name, language=anchor.get("language") or "nl"
    )
    rows_for_date = [e for e, _ in entries] + [r for _, r in entries]
    return CalendarDocument(data, latest(rows_for_date) or datetime(2000, 1, 1, tzinfo=UTC), "my-events.ics")
