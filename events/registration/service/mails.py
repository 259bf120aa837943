"""The mails a registration change causes, composed in the event's language: text and HTML from
`templates/mail/registration.*`, the sections other domains add (`registration_mail`), the join URL when
`links.join_url_for` allows it, and the calendar invitation for the kinds that carry one.

Ordinary mails are rendered in the transaction of their change; the registration desk's big batches write them
unrendered and the worker's composer (`registration_mail_composer`) renders them at delivery.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from events.ical.document import webcal
from events.kernel.errors import NotFound
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import sections_for
from events.mail import service as mail
from events.mail.jobs import Composer
from events.mail.tables import OutboxMessage
from events.organisations import service as organisations
from events.programme import service as programme
from events.programme.tables import EventStatus
from events.registration.calendar import feed_key, invitation_for, invitation_method
from events.registration.rows import RegistrationRow
from events.registration.service.links import ManageLinks
from events.registration.service.queries import registration_row_by_id, registration_row_by_token
from events.registration.tables import RegistrationMailKind as Kind
from events.registration.tables import RegistrationStatus

log = logging.getLogger("events.registration")

SUBJECTS = {
    Kind.CONFIRMED: N_("Your registration for %(title)s is confirmed"),
    Kind.WAITLISTED: N_("You are on the waiting list for %(title)s"),
    Kind.PENDING: N_("We received your registration for %(title)s"),
    Kind.PROMOTED: N_("A place has become free: you are registered for %(title)s"),
    Kind.CANCELLED: N_("Your registration for %(title)s has been cancelled"),
    Kind.REJECTED: N_("Your registration for %(title)s"),
    Kind.LINK: N_("Your registration for %(title)s"),
    Kind.EVENT_CHANGED: N_("Changed: %(title)s"),
    Kind.EVENT_CANCELLED: N_("Cancelled: %(title)s"),
    Kind.REMINDER: N_("Reminder: %(title)s starts soon"),
    Kind.CALENDAR_FEED: N_("Your personal calendar link"),
    Kind.FOLLOWUP_ATTENDED: N_("Thank you for taking part in %(title)s"),
    Kind.FOLLOWUP_NO_SHOW: N_("We missed you at %(title)s"),
}
# The follow-up after the event: by the audience whose text it carries (programme.followup_text).
FOLLOWUP_AUDIENCES = {Kind.FOLLOWUP_ATTENDED: "attended", Kind.FOLLOWUP_NO_SHOW: "no_show"}
# The mails that put the event in (or take it out of) the participant's calendar; `invitation_method` says how.
KINDS_WITH_INVITATION = (Kind.CONFIRMED, Kind.PROMOTED, Kind.EVENT_CHANGED, Kind.CANCELLED, Kind.EVENT_CANCELLED)
# The mails that carry the personal feed's link: its key reaches a person only in mail to their address.
FEED_MAIL_PAUSE = timedelta(minutes=10)  # at most one mail with the feed's link per registration in this time
KINDS_WITH_FEED = (Kind.CONFIRMED, Kind.WAITLISTED, Kind.PENDING, Kind.PROMOTED, Kind.LINK, Kind.CALENDAR_FEED)


def told(kind: str, event: Mapping[str, Any], registration: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None]:
    """(the event, the registration's status) as this mail tells them: a mail about a status speaks of that status
    (also when the desk's batch renders it later), a promotion of a confirmed place, a cancellation notice of a
    cancelled event. The status is None when the registration is no longer what the mail tells."""
    if kind == Kind.EVENT_CANCELLED:
        event = {**event, "status": EventStatus.CANCELLED}
    status = RegistrationStatus.CONFIRMED if kind == Kind.PROMOTED else kind
    if status not in tuple(RegistrationStatus):
        status = registration["status"]
    return event, status if status == registration["status"] else None


async def queue_registration_mail(
    kind: str, event: Mapping[str, Any], registration: Mapping[str, Any], links: ManageLinks, now: datetime,
    position: int | None = None, reminder: int | None = None,
) -> int:
    """Renders and queues one mail about this registration (inside the caller's transaction); `reminder`: the
    minutes of the schedule a reminder mail is for (its text)."""
    row = await compose_registration_mail(kind, event, registration, links, now, position, reminder=reminder)
    await row.save()
    return row.id


async def send_feed_link(token: str, now: datetime, links: ManageLinks) -> None:
    """Mails the personal feed's link to the registration's address (the only way the key travels); at most one
    such mail per registration in `FEED_MAIL_PAUSE`, so the button cannot flood an inbox."""
    row = await registration_row_by_token(token)
    if row is None or not row.get("email"):
        raise NotFound(N_("This link is not valid (any more)."))
    recent = await OutboxMessage.exists().where(
        (OutboxMessage.registration_id == row["id"]) & (OutboxMessage.kind == Kind.CALENDAR_FEED)
        & (OutboxMessage.created_at > now - FEED_MAIL_PAUSE)
    )
    if recent:
        return
    event = await programme.event_by_id(row["event"])
    if event is None:
        raise NotFound(N_("This link is not valid (any more)."))
    await queue_registration_mail(Kind.CALENDAR_FEED, event, row, links, now)


async def compose_registration_mail(
    kind: str,
    event: Mapping[str, Any],
    registration: Mapping[str, Any],
    links: ManageLinks,
    now: datetime,
    position: int | None = None,
    organiser: Mapping[str, Any] | None = None,
    reminder: int | None = None,
) -> OutboxMessage:
    """The outbox row (unsaved) of one mail about this registration: rendered text and HTML, and the calendar
    invitation when its kind carries one. `organiser`: the ORGANIZER stand-in, when the caller read it already."""
    language = event.get("language") or registration.get("language") or "nl"
    token = links.manage_token(registration["token_nonce"])
    sections = await sections_for(
        "registration_mail", event=event, registration=RegistrationRow.from_row(registration), kind=kind,
        language=language, token=token, base_url=links.base_url, now=now,
    )
    context = {
        "kind": kind,
        "event": event,
        "registration": registration,
        "position": position,
        "manage_url": links.manage_url(token),  # the page's address, which sections extend (`…/evaluation`)
        "manage_link": links.mail_manage_url(token, registration["token_nonce"]),  # the link the mail shows
        "feed_url": _feed_link(kind, registration, links),
        "event_url": links.event_url(event),
        "join_url": _join_link(kind, event, registration, links),
        "sections": sections,
        "reminder_text": programme.reminder_text(event, reminder, language) if reminder is not None else "",
        "fill": programme.fill_placeholders,
        **await _followup_context(kind, event, language, now),
        "theme": await _mail_theme(event, links.base_url),
    }
    text, html = mail.render("mail/registration", language, context)
    method, ics = await _invitation(kind, event, registration, token, links, now, organiser)
    return mail.new_message(
        to_address=registration["email"],
        subject=gettext_for(language, SUBJECTS[kind], title=event["title"]),
        text_body=text,
        html_body=html,
        kind=kind,
        language=language,
        now=now,
        event_id=event["id"],
        registration_id=registration["id"],
        calendar_method=method,
        calendar_ics=ics,
    )


async def _mail_theme(event: Mapping[str, Any], base_url: str) -> dict[str, str] | None:
    """The organisation's name, colour and logo (an absolute address: mail clients fetch it) for the HTML mail,
    which is not under the site's CSP and so carries its colour inline."""
    if not event.get("organisation"):
        return None
    theme = organisations.theme_for(await organisations.organisation_by_id(event["organisation"]))
    return {"name": theme.name, "colour": theme.primary_colour, "logo_url": f"{base_url}{theme.logo_url}" if theme.logo_url else ""}


async def _invitation(
    kind: str, event: Mapping[str, Any], registration: Mapping[str, Any], token: str, links: ManageLinks,
    now: datetime, organiser: Mapping[str, Any] | None,
) -> tuple[str | None, str | None]:
    """(method, ics) of the invitation this mail carries, or (None, None)."""
    method = invitation_method(*told(kind, event, registration)) if kind in KINDS_WITH_INVITATION else None
    if method is None or not registration.get("email"):
        return None, None
    try:
        ics = await invitation_for(event, registration, method, links.base_url, now, token, organiser,
                                   join_link=_join_link(kind, event, registration, links), sender=links.sender)
    except ValueError:  # e.g. no organiser address: the mail goes without an invitation
        log.warning("no calendar invitation for registration %s", registration.get("id"), exc_info=True)
        return None, None
    return method, ics.decode("utf-8")


def _feed_link(kind: str, registration: Mapping[str, Any], links: ManageLinks) -> str | None:
    """The webcal link of the address's personal feed, for the kinds that carry it."""
    if kind not in KINDS_WITH_FEED or not registration.get("token_hash"):
        return None
    key = feed_key(registration["id"], registration["token_hash"], links.secret_key)
    return webcal(f"{links.base_url.rstrip('/')}/calendar/personal/{key}/feed.ics")


async def _followup_context(kind: str, event: Mapping[str, Any], language: str, now: datetime) -> dict[str, Any]:
    """A follow-up mail's organiser text and the recordings released by now (registrants' ones too: it goes to
    confirmed registrations only)."""
    if kind not in FOLLOWUP_AUDIENCES:
        return {"followup_text": "", "recordings": []}
    sessions = await programme.sessions_of(event["id"])
    return {
        "followup_text": programme.followup_text(event, FOLLOWUP_AUDIENCES[kind], language),
        "recordings": programme.recordings_by_part(event, sessions, now, registrant=True),
    }


def _join_link(kind: str, event: Mapping[str, Any], registration: Mapping[str, Any], links: ManageLinks) -> str | None:
    """The participant's personal join link, when the mail's status may carry the join URL (`join_url_for`); never
    after the event (the follow-up)."""
    if kind in FOLLOWUP_AUDIENCES:
        return None
    told_event, status = told(kind, event, registration)
    return links.join_link(told_event, registration, status) if status else None


def unrendered_registration_mail(
    event: Mapping[str, Any], registration: Mapping[str, Any], position: int | None, kind: str, now: datetime
) -> dict[str, Any]:
    """The outbox row of a registration's mail of this kind (a new registration's: its status; the manage link
    again), to be rendered at delivery."""
    return mail.message_values(
        to_address=registration["email"], subject="", text_body="", kind=kind,
        language=event["language"], now=now, event_id=event["id"],
        registration_id=registration["id"], render_context=json.dumps({"position": position}),
    )


def registration_mail_composer(links: ManageLinks) -> Composer:
    """The worker's renderer for registration mails written unrendered (see `events.mail.jobs`)."""

    async def compose(message: dict[str, Any], now: datetime) -> dict[str, Any] | None:
        # Written-out and remembered reads: Piccolo built each whole-row query anew, a third of the rendering
        registration = await registration_row_by_id(message["registration_id"])
        event = await programme.event_by_id(message["event"]) if message["event"] else None
        if registration is None or event is None or not registration["email"]:
            return None
        context = json.loads(message["render_context"] or "{}")
        row = await compose_registration_mail(message["kind"], event, registration, links, now, context.get("position"))
        return {
            "subject": row.subject, "text_body": row.text_body, "html_body": row.html_body, "language": row.language,
            "calendar_method": row.calendar_method, "calendar_ics": row.calendar_ics,
        }

    return compose
