"""A participant's private calendar files, reached only through their registration's secret: the invitation (the
manage token) and the personal feed (a key derived from it, which can read but never cancel)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from events.accounts.tables import User
from events.ical import build
from events.ical.document import CalendarDocument
from events.ical.document import latest as _latest
from events.ical.invitations import build_invitation
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.kernel.tokens import same_secret
from events.programme import service as programme
from events.registration.service import registration_by_token
from events.registration.tables import Registration

CURRENT_STATUSES = ("confirmed", "waitlisted", "pending")


def feed_key(registration: dict[str, Any], secret_key: str) -> str:
    """The personal feed's secret: `<id>-<HMAC>`. Derived from the stored token hash, so it never reveals the manage
    token (a calendar server that fetches the feed cannot cancel), and a new manage token retires old feed links."""
    mac = hmac.new(secret_key.encode(), f"ical-feed:{registration['id']}:{registration['token_hash']}".encode(), hashlib.sha256)
    return f"{registration['id']}-{mac.hexdigest()[:40]}"


async def registration_by_feed_key(key: str, secret_key: str) -> dict[str, Any] | None:
    head, _, _mac = key.partition("-")
    if not head.isdigit() or len(key) > 100:
        return None
    row = await Registration.select().where(Registration.id == int(head)).first()
    if row is None or not same_secret(feed_key(row, secret_key), key):
        return None
    return row


def invitation_method(event: dict[str, Any], registration: dict[str, Any]) -> str | None:
    """REQUEST for a confirmed place in a live event, CANCEL once either is cancelled, None otherwise (waiting list,
    awaiting approval, rejected: there is no meeting to put in a calendar yet)."""
    if registration["status"] in ("cancelled", "rejected") or event["status"] == "cancelled":
        return "CANCEL" if registration["status"] != "rejected" else None
    if registration["status"] == "confirmed":
        return "REQUEST"
    return None


async def organiser_contact(event: dict[str, Any]) -> tuple[str | None, str | None]:
    """The organiser's account address: ORGANIZER when the event has no contact address (never a no-reply)."""
    user = await User.select(User.email, User.name).where(User.id == event["organiser"]).first()
    return (user["email"], user["name"]) if user else (None, None)


async def invitation_for(event: dict[str, Any], registration: dict[str, Any], method: str, base_url: str, now: datetime, manage_token: str | None) -> bytes:
    """build_invitation with the ORGANIZER fallback filled in: what mails and the manage page both send."""
    email, name = (None, None)
    if not (event.get("contact_email") or "").strip():
        email, name = await organiser_contact(event)
    return build_invitation(
        event, registration, method, base_url, now, manage_token=manage_token, organiser_email=email, organiser_name=name
    )


async def invitation_download(token: str, base_url: str, now: datetime) -> CalendarDocument:
    registration = await registration_by_token(token)
    if registration is None:
        raise NotFound(N_("This link is not valid (any more)."))
    event = await programme.event_by_id(registration["event"])
    if event is None or event["status"] == "draft":
        raise NotFound(N_("This link is not valid (any more)."))
    method = invitation_method(event, registration)
    if method is None:
        raise NotFound(N_("There is no calendar invitation until your place is confirmed."))
    data = await invitation_for(event, registration, method, base_url, now, token)
    return CalendarDocument(data, None, "invite.ics")


async def personal_feed(key: str, base_url: str, secret_key: str, name: str) -> CalendarDocument:
    """Every current registration of the e-mail address behind this key, with its event (join URL only when
    confirmed). Cancelled registrations leave the feed; a cancelled event stays, marked CANCELLED."""
    anchor = await registration_by_feed_key(key, secret_key)
    if anchor is None or not anchor.get("email_normalised"):
        raise NotFound(N_("This link is not valid (any more)."))
    rows = await Registration.select().where(
        (Registration.email_normalised == anchor["email_normalised"]) & Registration.status.is_in(list(CURRENT_STATUSES))
    ).order_by(Registration.id)
    entries = []
    for registration in rows:
        event = await programme.event_by_id(registration["event"])
        if event is not None and event["status"] != "draft":
            entries.append((event, registration))
    entries.sort(key=lambda pair: (pair[0]["starts_at"], pair[0]["id"]))
    language = anchor.get("language") or "nl"
    data = build.build_personal_feed(entries, base_url, manage_link=lambda _r: None, name=name, language=language)
    rows_for_date = [e for e, _ in entries] + [r for _, r in entries]
    return CalendarDocument(data, _latest(rows_for_date) or datetime(2000, 1, 1, tzinfo=UTC), "my-events.ics")
