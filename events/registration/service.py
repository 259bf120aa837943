"""Registration rules: registering (never overbooking), the waiting list, approval, cancelling, moving,
check-in, the event's own questions, exports, retention, and the mails each change causes.

Every change that tells someone something writes its outbox message in the same transaction. Writers take the
event's lock first (an IMMEDIATE transaction on SQLite, `SELECT … FOR UPDATE` of the event row on PostgreSQL),
so counting the confirmed places and adding one is never split by another writer, in any process.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from events.accounts.service import CurrentUser
from events.kernel.database import UNIQUE_VIOLATIONS, insert_rows, is_sqlite, write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import sections_for
from events.kernel.text import normalise_email, valid_email
from events.kernel.tokens import hash_token
from events.mail import service as mail
from events.programme.tables import Event
from events.registration.tables import AuditEntry, Question, Registration

log = logging.getLogger("events.registration")

ACTIVE = ("confirmed", "waitlisted", "pending")
QUESTION_KINDS = ("text", "choice", "multiple", "checkbox")
LINK_RESEND_INTERVAL = timedelta(hours=1)
REMINDER_BEFORE = timedelta(hours=24)
RENDER_INLINE_MAX = 4  # batches up to this size render their mails in the transaction
MAX_ANSWER_LENGTH = 1000

SUBJECTS = {
    "confirmed": N_("Your registration for %(title)s is confirmed"),
    "waitlisted": N_("You are on the waiting list for %(title)s"),
    "pending": N_("We received your registration for %(title)s"),
    "promoted": N_("A place has become free: you are registered for %(title)s"),
    "cancelled": N_("Your registration for %(title)s has been cancelled"),
    "rejected": N_("Your registration for %(title)s"),
    "link": N_("Your registration for %(title)s"),
    "event_changed": N_("Changed: %(title)s"),
    "event_cancelled": N_("Cancelled: %(title)s"),
    "reminder": N_("Reminder: %(title)s starts soon"),
}
# Which mails carry the calendar invitation, and with which iTIP method (when events.ical.invitations exists).
CALENDAR_METHODS = {
    "confirmed": "REQUEST",
    "promoted": "REQUEST",
    "event_changed": "REQUEST",
    "cancelled": "CANCEL",
    "event_cancelled": "CANCEL",
}
# Mails that may show the join URL, and only to a confirmed registrant.
JOIN_URL_KINDS = ("confirmed", "promoted", "event_changed", "reminder", "link")


@dataclass(frozen=True)
class Site:
    """What links in mails and answers need: the public base URL and the key that derives manage tokens."""

    base_url: str
    secret_key: str

    @classmethod
    def from_settings(cls, settings: Any) -> Site:
        return cls(base_url=settings.base_url, secret_key=settings.secret_key)

    def manage_token(self, nonce: str) -> str:
        digest = hmac.new(self.secret_key.encode(), b"registration-manage:" + nonce.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def manage_url(self, token: str) -> str:
        return f"{self.base_url}/registrations/{token}"


@dataclass
class Applicant:
    name: str
    email: str
    organisation: str = ""
    answers: dict[str, Any] = field(default_factory=dict)  # question id (str) -> value
    language: str | None = None


@dataclass
class Outcome:
    id: int
    status: str
    position: int | None
    token: str | None  # only when this request created the registration
    manage_url: str | None
    created: bool
    event_slug: str
    event_id: int


# --- reading -----------------------------------------------------------------------------------------------


def registration_closed_reason(event: dict[str, Any], now: datetime) -> str | None:
    """Why registering is not possible now (an English msgid), or None when it is open."""
    if event["status"] == "cancelled":
        return N_("This event has been cancelled.")
    if event["status"] != "published":
        return N_("Registration for this event is not open.")
    if event["ends_at"] is not None and now >= event["ends_at"]:
        return N_("This event has already taken place.")
    opens, closes = event.get("registration_opens_at"), event.get("registration_closes_at")
    if opens is not None and now < opens:
        return N_("Registration has not opened yet.")
    if closes is not None and now >= closes:
        return N_("Registration is closed.")
    return None


async def questions_of(event_id: int) -> list[dict[str, Any]]:
    rows = await Question.select().where(Question.event == event_id).order_by(Question.position).order_by(Question.id)
    for row in rows:
        row["choices"] = [line.strip() for line in row["options"].splitlines() if line.strip()]
        row["choice_pairs"] = [(choice, choice) for choice in row["choices"]]
    return rows


async def status_counts(event_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*ACTIVE, "cancelled", "checked_in"), 0))
    if not event_ids:
        return counts
    rows = await (
        Registration.select(Registration.event, Registration.status, Count(Registration.id, alias="n"))
        .where(Registration.event.is_in(event_ids))
        .group_by(Registration.event, Registration.status)
    )
    for row in rows:
        counts[row["event"]][row["status"]] = row["n"]
    checked = await (
        Registration.select(Registration.event, Count(Registration.id, alias="n"))
        .where(Registration.event.is_in(event_ids) & Registration.checked_in_at.is_not_null())
        .group_by(Registration.event)
    )
    for row in checked:
        counts[row["event"]]["checked_in"] = row["n"]
    return counts


async def places_left(event: dict[str, Any]) -> int | None:
    if event["capacity"] is None:
        return None
    confirmed = await Registration.count().where(
        (Registration.event == event["id"]) & (Registration.status == "confirmed")
    )
    return max(0, event["capacity"] - confirmed)


async def waitlist_position(registration: dict[str, Any]) -> int | None:
    if registration["status"] != "waitlisted":
        return None
    ahead = await Registration.count().where(
        (Registration.event == registration["event"])
        & (Registration.status == "waitlisted")
        & (
            (Registration.queued_at < registration["queued_at"])
            | ((Registration.queued_at == registration["queued_at"]) & (Registration.id < registration["id"]))
        )
    )
    return ahead + 1


async def registration_by_token(token: str) -> dict[str, Any] | None:
    if not token or len(token) > 200:
        return None
    return await Registration.select().where(Registration.token_hash == hash_token(token)).first()


def decoded_answers(registration: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(registration.get("answers") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


async def registrations_of(event_id: int, status: str | None = None, search: str = "") -> list[dict[str, Any]]:
    where = Registration.event == event_id
    if status == "checked_in":
        where = where & Registration.checked_in_at.is_not_null()
    elif status:
        where = where & (Registration.status == status)
    if search.strip():
        needle = f"%{search.strip()}%"
        # SQLite's LIKE already ignores case (ASCII); PostgreSQL needs ILIKE
        like = "like" if is_sqlite(Registration._meta.db) else "ilike"
        where = where & (
            getattr(Registration.name, like)(needle)
            | getattr(Registration.email, like)(needle)
            | getattr(Registration.organisation, like)(needle)
        )
    rows = await Registration.select().where(where).order_by(Registration.queued_at).order_by(Registration.id)
    position = 0
    for row in rows:
        row["answers_map"] = decoded_answers(row)
        if row["status"] == "waitlisted" and not status:
            position += 1
            row["position"] = position
    return rows


# --- validation --------------------------------------------------------------------------------------------


def validate_applicant(applicant: Applicant, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """The cleaned answers; raises RuleViolation (400) naming every failing field."""
    errors: dict[str, str] = {}
    name = (applicant.name or "").strip()
    if not name:
        errors["name"] = N_("Enter your name.")
    elif len(name) > 200:
        errors["name"] = N_("The name is too long (at most 200 characters).")
    email = normalise_email(applicant.email)
    if not email:
        errors["email"] = N_("Enter your e-mail address.")
    elif not valid_email(email):
        errors["email"] = N_("Enter a valid e-mail address, like name@example.nl.")
    if len((applicant.organisation or "").strip()) > 200:
        errors["organisation"] = N_("The organisation is too long (at most 200 characters).")
    cleaned: dict[str, Any] = {}
    for question in questions:
        key = str(question["id"])
        raw = applicant.answers.get(key)
        field_name = f"q{key}"
        if question["kind"] == "checkbox":
            value: Any = raw in (True, "on", "true", "1", "yes")
            if question["required"] and not value:
                errors[field_name] = N_("Tick this box to continue.")
            cleaned[key] = value
        elif question["kind"] == "multiple":
            values = raw if isinstance(raw, list) else ([raw] if raw else [])
            values = [str(v) for v in values if str(v).strip()]
            if any(v not in question["choices"] for v in values):
                errors[field_name] = N_("Choose from the options given.")
            elif question["required"] and not values:
                errors[field_name] = N_("Choose at least one option.")
            cleaned[key] = values
        else:
            value = str(raw).strip() if isinstance(raw, str | int | float) else ""
            if question["required"] and not value:
                errors[field_name] = N_("Answer this question.")
            elif question["kind"] == "choice" and value and value not in question["choices"]:
                errors[field_name] = N_("Choose from the options given.")
            elif len(value) > MAX_ANSWER_LENGTH:
                errors[field_name] = N_("The answer is too long (at most 1000 characters).")
            cleaned[key] = value
    if errors:
        raise RuleViolation(N_("Please correct the marked fields."), errors=errors)
    return cleaned


# --- mails -------------------------------------------------------------------------------------------------


async def _calendar(
    kind: str, event: dict[str, Any], registration: dict[str, Any], token: str, site: Site, now: datetime,
    organiser: dict[str, Any] | None = None,
):
    """(method, ics) from the calendar domain's `build_invitation` when it exists; (None, None) until then."""
    method = CALENDAR_METHODS.get(kind)
    if method is None or not registration.get("email"):
        return None, None
    try:
        from events.ical.invitations import build_invitation
    except ImportError:
        return None, None
    from events.accounts.tables import User

    if organiser is None:
        organiser = await User.select(User.email, User.name).where(User.id == event["organiser"]).first() or {}
    try:
        ics = build_invitation(
            event, registration, method, site.base_url, now, manage_token=token,
            organiser_email=organiser.get("email"), organiser_name=organiser.get("name"),
        )
    except ValueError:  # e.g. no organiser address: the mail goes without an invitation
        log.warning("no calendar invitation for registration %s", registration.get("id"), exc_info=True)
        return None, None
    return method, ics.decode("utf-8") if isinstance(ics, bytes) else ics


async def queue_registration_mail(
    kind: str, event: dict[str, Any], registration: dict[str, Any], site: Site, now: datetime, position: int | None = None
) -> int:
    """Renders and queues one mail about this registration (inside the caller's transaction)."""
    row = await compose_registration_mail(kind, event, registration, site, now, position)
    await row.save()
    return row.id


async def compose_registration_mail(
    kind: str,
    event: dict[str, Any],
    registration: dict[str, Any],
    site: Site,
    now: datetime,
    position: int | None = None,
    organiser: dict[str, Any] | None = None,
):
    """The outbox row (unsaved) of one mail about this registration: rendered text and HTML, and the calendar
    invitation when the calendar domain provides one."""
    language = event.get("language") or registration.get("language") or "nl"
    token = site.manage_token(registration["token_nonce"])
    show_join = (
        kind in JOIN_URL_KINDS
        and registration["status"] == "confirmed"
        and event.get("format") in ("online", "hybrid")
        and bool(event.get("join_url"))
    )
    sections = await sections_for("registration_mail", event=event, registration=registration, kind=kind, language=language)
    context = {
        "kind": kind,
        "event": event,
        "registration": registration,
        "position": position,
        "manage_url": site.manage_url(token),
        "event_url": f"{site.base_url}/events/{event['slug']}",
        "join_url": event.get("join_url") if show_join else None,
        "sections": sections,
    }
    text, html = mail.render("mail/registration", language, context)
    method, ics = await _calendar(kind, event, registration, token, site, now, organiser)
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


# --- registering -------------------------------------------------------------------------------------------


async def _locked_event(engine, *, slug: str | None = None, event_id: int | None = None) -> dict[str, Any] | None:
    """The whole event row, locked against other writers until the transaction ends (PostgreSQL)."""
    query = Event.select().where(Event.slug == slug) if slug is not None else Event.select().where(Event.id == event_id)
    if not is_sqlite(engine):
        query = query.lock_rows("UPDATE", of=(Event,))
    return await query.first()


async def _confirmed_and_waitlisted(event_id: int) -> tuple[int, int]:
    rows = await (
        Registration.select(Registration.status, Count(Registration.id, alias="n"))
        .where((Registration.event == event_id) & Registration.status.is_in(["confirmed", "waitlisted"]))
        .group_by(Registration.status)
    )
    counts = {row["status"]: row["n"] for row in rows}
    return counts.get("confirmed", 0), counts.get("waitlisted", 0)


def _outcome(row: dict[str, Any], event: dict[str, Any], position: int | None, site: Site, created: bool) -> Outcome:
    token = site.manage_token(row["token_nonce"]) if created else None
    return Outcome(
        id=row["id"],
        status=row["status"],
        position=position,
        token=token,
        manage_url=site.manage_url(token) if token else None,
        created=created,
        event_slug=event["slug"],
        event_id=event["id"],
    )


async def _register_in_transaction(
    engine, requests: list[tuple[str, Applicant, datetime]], results: list[Any], site: Site
) -> None:
    by_slug: dict[str, list[int]] = defaultdict(list)
    for index, (slug, _applicant, _now) in enumerate(requests):
        by_slug[slug].append(index)
    for slug, indexes in by_slug.items():
        event = await _locked_event(engine, slug=slug)
        if event is None or event["status"] == "draft":
            for index in indexes:
                results[index] = NotFound(N_("No event with this address"))
            continue
        questions = await questions_of(event["id"])
        emails = {normalise_email(requests[i][1].email) for i in indexes}
        existing = {
            row["email_normalised"]: row
            for row in await Registration.select().where(
                (Registration.event == event["id"]) & Registration.email_normalised.is_in(list(emails) or [""])
            )
        }
        confirmed, waitlisted = await _confirmed_and_waitlisted(event["id"])
        fresh: list[tuple[int, Registration, dict[str, Any], int | None]] = []  # created in this batch
        for index in indexes:
            _slug, applicant, now = requests[index]
            closed = registration_closed_reason(event, now)
            email = normalise_email(applicant.email)
            known = existing.get(email)
            if known is not None and known["status"] != "cancelled":
                if known.get("id") is None:  # the same e-mail twice in this batch: answered after the insert
                    known["duplicates"].append(index)
                else:
                    results[index] = await _existing_registration(known, event, site, now)
                continue
            if closed:
                results[index] = Conflict(closed)
                continue
            try:
                answers = validate_applicant(applicant, questions)
            except RuleViolation as exc:
                results[index] = exc
                continue
            if event["approval_required"]:
                status = "pending"
            elif event["capacity"] is None or confirmed < event["capacity"]:
                status = "confirmed"
            else:
                status = "waitlisted"
            confirmed += status == "confirmed"
            waitlisted += status == "waitlisted"
            position = waitlisted if status == "waitlisted" else None
            values = {
                "name": applicant.name.strip(),
                "email": applicant.email.strip(),
                "organisation": (applicant.organisation or "").strip(),
                "answers": json.dumps(answers, ensure_ascii=False),
                "language": applicant.language if applicant.language in ("nl", "en") else event["language"],
                "status": status,
                "queued_at": now,
                "updated_at": now,
                "cancelled_at": None,
            }
            if known is not None:  # a cancelled registration comes back to life, with a place in today's queue
                await Registration.update(values).where(Registration.id == known["id"])
                row = {**known, **values}
                if status == "waitlisted":
                    position = await waitlist_position(row)
                existing[email] = row
                await queue_registration_mail(status, event, row, site, now, position=position)
                results[index] = _outcome(row, event, position, site, created=False)
                continue
            nonce = secrets.token_urlsafe(24)
            token_hash = hash_token(site.manage_token(nonce))
            record = Registration(
                event=event["id"], email_normalised=email, token_nonce=nonce, token_hash=token_hash, created_at=now,
                **values,
            )
            row = {**values, "id": None, "event": event["id"], "email_normalised": email, "token_nonce": nonce,
                   "token_hash": token_hash, "duplicates": []}
            fresh.append((index, record, row, position))
            existing[email] = row
        if not fresh:
            continue
        # One INSERT for the batch's new registrations, one for their mails.
        inserted = await insert_rows(Registration, [record for _i, record, _r, _p in fresh], ("id", "token_hash"))
        ids = {item["token_hash"]: item["id"] for item in inserted}
        messages = []
        # A small batch (ordinary traffic) renders its mails now; in a rush they are written unrendered and the
        # deliverer renders them, so templates, panels and invitations do not hold the event's lock.
        render_now = len(fresh) <= RENDER_INLINE_MAX
        organiser = await _organiser_of(event) if render_now else None
        for index, _record, row, position in fresh:
            row["id"] = ids[row["token_hash"]]
            if render_now:
                messages.append(
                    await compose_registration_mail(row["status"], event, row, site, row["queued_at"], position, organiser)
                )
            else:
                messages.append(
                    mail.new_message(
                        to_address=row["email"], subject="", text_body="", kind=row["status"],
                        language=event["language"], now=row["queued_at"], event_id=event["id"],
                        registration_id=row["id"], render_context=json.dumps({"position": position}),
                    )
                )
            results[index] = _outcome(row, event, position, site, created=True)
            for duplicate in row.pop("duplicates"):  # no token for the second request: it may not be the owner
                results[duplicate] = _outcome(row, event, position, site, created=False)
        await mail.queue_messages(messages)


async def _organiser_of(event: dict[str, Any]) -> dict[str, Any]:
    from events.accounts.tables import User

    return await User.select(User.email, User.name).where(User.id == event["organiser"]).first() or {}


def registration_mail_composer(site: Site, clock: Any):
    """The deliverer's renderer for mails the registration writer queued unrendered (see `mail.Composer`)."""

    async def compose(message: dict[str, Any]) -> dict[str, Any] | None:
        registration = await Registration.select().where(Registration.id == message["registration_id"]).first()
        event = await Event.select().where(Event.id == message["event"]).first() if message["event"] else None
        if registration is None or event is None or not registration["email"]:
            return None
        context = json.loads(message["render_context"] or "{}")
        row = await compose_registration_mail(
            message["kind"], event, registration, site, clock.now(), context.get("position")
        )
        return {
            "subject": row.subject, "text_body": row.text_body, "html_body": row.html_body, "language": row.language,
            "calendar_method": row.calendar_method, "calendar_ics": row.calendar_ics,
        }

    return compose


async def _existing_registration(known: dict[str, Any], event: dict[str, Any], site: Site, now: datetime) -> Outcome:
    """The same e-mail again: the existing registration, and (at most hourly) its manage link by mail."""
    if known.get("link_resent_at") is None or known["link_resent_at"] <= now - LINK_RESEND_INTERVAL:
        await Registration.update({Registration.link_resent_at: now}).where(Registration.id == known["id"])
        known["link_resent_at"] = now
        await queue_registration_mail("link", event, known, site, now, position=await waitlist_position(known))
    return _outcome(known, event, await waitlist_position(known), site, created=False)


async def has_registrations(event_id: int) -> bool:
    """Anyone, in any status (cancelled ones too: their history is kept)."""
    return await Registration.exists().where(Registration.event == event_id)


def _is_unique_violation(exc: BaseException) -> bool:
    return isinstance(exc, UNIQUE_VIOLATIONS)


async def register_batch(requests: list[tuple[str, Applicant, datetime]], site: Site) -> list[Outcome | RuleViolation]:
    """Registers many applicants in ONE write transaction (the writer's batch); one result per request.

    A rule failure is a result (RuleViolation), not an exception, so one bad request never sinks its batch. If the
    UNIQUE (event, e-mail) index fires (a writer in another process won a race), each request is retried alone.
    """
    engine = Registration._meta.db
    results: list[Any] = [None] * len(requests)
    try:
        async with write_transaction(engine):
            await _register_in_transaction(engine, requests, results, site)
    except Exception as exc:
        if not _is_unique_violation(exc):
            raise
        if len(requests) == 1:
            results = [None]
            async with write_transaction(engine):  # now the other writer's row is visible: answer with it
                await _register_in_transaction(engine, requests, results, site)
            return results
        return [(await register_batch([request], site))[0] for request in requests]
    return results


async def register(slug: str, applicant: Applicant, now: datetime, site: Site) -> Outcome:
    """Registers one applicant; raises RuleViolation/NotFound/Conflict."""
    result = (await register_batch([(slug, applicant, now)], site))[0]
    if isinstance(result, Exception):
        raise result
    return result


# --- the waiting list --------------------------------------------------------------------------------------


async def _promote_locked(event: dict[str, Any], now: datetime, site: Site) -> list[int]:
    if event["status"] != "published" or (event["ends_at"] is not None and now >= event["ends_at"]):
        return []
    confirmed, _waitlisted = await _confirmed_and_waitlisted(event["id"])
    query = (
        Registration.select()
        .where((Registration.event == event["id"]) & (Registration.status == "waitlisted"))
        .order_by(Registration.queued_at)
        .order_by(Registration.id)
    )
    if event["capacity"] is not None:
        free = event["capacity"] - confirmed
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = []
    for row in await query:
        await Registration.update(
            {Registration.status: "confirmed", Registration.updated_at: now}
        ).where((Registration.id == row["id"]) & (Registration.status == "waitlisted"))
        row["status"] = "confirmed"
        await queue_registration_mail("promoted", event, row, site, now)
        promoted.append(row["id"])
    return promoted


async def promote_from_waitlist(event_id: int, now: datetime, site: Site) -> list[int]:
    """Fills free places from the waiting list, first come first served, and tells each promoted person.

    Call it after anything that frees places (a cancellation, a raised capacity); it joins the caller's
    transaction when there is one. Returns the ids promoted, in order.
    """
    engine = Registration._meta.db
    async with write_transaction(engine):
        event = await _locked_event(engine, event_id=event_id)
        if event is None:
            return []
        return await _promote_locked(event, now, site)


# --- changes by the participant ----------------------------------------------------------------------------


async def cancel_registration(registration_id: int, now: datetime, site: Site, by_organiser: bool = False) -> dict[str, Any]:
    """Cancels an active registration, tells the person, and gives a freed place to the waiting list."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        current = await Registration.select(Registration.event).where(Registration.id == registration_id).first()
        if current is None:
            raise NotFound(N_("This registration does not exist."))
        event = await _locked_event(engine, event_id=current["event"])
        row = await Registration.select().where(Registration.id == registration_id).first()
        if row["status"] not in ACTIVE:
            raise Conflict(N_("This registration has already been cancelled."))
        was_confirmed = row["status"] == "confirmed"
        await Registration.update(
            {Registration.status: "cancelled", Registration.cancelled_at: now, Registration.updated_at: now}
        ).where(Registration.id == registration_id)
        row.update(status="cancelled", cancelled_at=now)
        await queue_registration_mail("cancelled", event, row, site, now)
        if was_confirmed:
            await _promote_locked(event, now, site)
        return row


async def cancel_by_token(token: str, now: datetime, site: Site) -> dict[str, Any]:
    row = await registration_by_token(token)
    if row is None:
        raise NotFound(N_("This link is not valid (any more)."))
    return await cancel_registration(row["id"], now, site)


# --- organiser actions -------------------------------------------------------------------------------------


async def registration_of_event(event_id: int, registration_id: int) -> dict[str, Any]:
    row = await Registration.select().where(
        (Registration.id == registration_id) & (Registration.event == event_id)
    ).first()
    if row is None:
        raise NotFound(N_("This registration does not exist."))
    return row


async def decide(event: dict[str, Any], registration_id: int, approve: bool, now: datetime, site: Site) -> str:
    """Approves (a place if there is one, else the waiting list) or rejects a pending registration."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        locked = await _locked_event(engine, event_id=event["id"])
        row = await registration_of_event(event["id"], registration_id)
        if row["status"] != "pending":
            raise Conflict(N_("Only registrations that wait for approval can be approved or rejected."))
        if approve:
            confirmed, _ = await _confirmed_and_waitlisted(event["id"])
            status = "confirmed" if locked["capacity"] is None or confirmed < locked["capacity"] else "waitlisted"
        else:
            status = "rejected"
        await Registration.update(
            {Registration.status: status, Registration.updated_at: now, Registration.queued_at: now}
        ).where(Registration.id == registration_id)
        row.update(status=status, queued_at=now)
        await queue_registration_mail(status, locked, row, site, now, position=await waitlist_position(row))
        return status


async def set_checked_in(event: dict[str, Any], registration_id: int, checked_in: bool, now: datetime) -> dict[str, Any]:
    row = await registration_of_event(event["id"], registration_id)
    if checked_in and row["status"] != "confirmed":
        raise Conflict(N_("Only confirmed participants can be checked in."))
    await Registration.update({Registration.checked_in_at: now if checked_in else None}).where(
        Registration.id == registration_id
    )
    row["checked_in_at"] = now if checked_in else None
    return row


async def move_registration(
    event: dict[str, Any], registration_id: int, target_event_id: int, user: CurrentUser, now: datetime, site: Site
) -> dict[str, Any]:
    """Moves a registration to another event of the same organiser: a place there if free, else its waiting list."""
    engine = Registration._meta.db
    if target_event_id == event["id"]:
        raise RuleViolation(N_("Choose another event."), errors={"target": N_("Choose another event.")})
    async with write_transaction(engine):
        # Lock both events in id order, so two opposite moves cannot deadlock.
        locked = {}
        for event_id in sorted((event["id"], target_event_id)):
            locked[event_id] = await _locked_event(engine, event_id=event_id)
        target = locked[target_event_id]
        if target is None or target["organiser"] != event["organiser"]:
            raise RuleViolation(N_("Choose another event of yours."), errors={"target": N_("Choose another event of yours.")})
        if target["status"] != "published" or (target["ends_at"] is not None and now >= target["ends_at"]):
            raise Conflict(N_("The other event does not take registrations."))
        row = await registration_of_event(event["id"], registration_id)
        if row["status"] not in ACTIVE:
            raise Conflict(N_("This registration has already been cancelled."))
        if await Registration.exists().where(
            (Registration.event == target_event_id) & (Registration.email_normalised == row["email_normalised"])
        ):
            raise Conflict(N_("This person is already registered for the other event."))
        was_confirmed = row["status"] == "confirmed"
        confirmed, _ = await _confirmed_and_waitlisted(target_event_id)
        status = "confirmed" if target["capacity"] is None or confirmed < target["capacity"] else "waitlisted"
        values = {"event": target_event_id, "status": status, "queued_at": now, "updated_at": now, "checked_in_at": None,
                  "reminder_sent_at": None}
        await Registration.update(values).where(Registration.id == registration_id)
        await queue_registration_mail("cancelled", locked[event["id"]], {**row, "status": "cancelled"}, site, now)
        moved = {**row, **values}
        await queue_registration_mail(status, target, moved, site, now, position=await waitlist_position(moved))
        await AuditEntry(
            at=now, actor=user.id, actor_label=user.email, action="move", event=event["id"],
            detail=f"registration {registration_id} moved to event {target_event_id} ({status})",
        ).save()
        if was_confirmed:
            await _promote_locked(locked[event["id"]], now, site)
        return moved


async def delete_registration(event: dict[str, Any], registration_id: int, user: CurrentUser, now: datetime, site: Site) -> None:
    """Erases a registration for good (e.g. on a data-subject request); leaves an audit entry."""
    engine = Registration._meta.db
    async with write_transaction(engine):
        locked = await _locked_event(engine, event_id=event["id"])
        row = await registration_of_event(event["id"], registration_id)
        await Registration.delete().where(Registration.id == registration_id)
        await mail.forget_registration(registration_id)
        await AuditEntry(
            at=now, actor=user.id, actor_label=user.email, action="delete", event=event["id"],
            detail=f"registration {registration_id} deleted (was {row['status']})",
        ).save()
        if row["status"] == "confirmed":
            await _promote_locked(locked, now, site)


# --- the event's own questions -----------------------------------------------------------------------------


def _clean_question(label: str, kind: str, options: str, required: bool) -> dict[str, Any]:
    errors = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = N_("Enter the question.")
    elif len(label) > 300:
        errors["label"] = N_("The question is too long (at most 300 characters).")
    if kind not in QUESTION_KINDS:
        errors["kind"] = N_("Choose a type of question.")
    choices = [line.strip() for line in (options or "").splitlines() if line.strip()]
    if kind in ("choice", "multiple") and len(choices) < 2:
        errors["options"] = N_("Give at least two options, one per line.")
    if errors:
        raise RuleViolation(N_("Please correct the marked fields."), errors=errors)
    return {"label": label, "kind": kind, "options": "\n".join(choices) if kind in ("choice", "multiple") else "",
            "required": bool(required)}


async def add_question(event_id: int, label: str, kind: str, options: str = "", required: bool = False) -> int:
    values = _clean_question(label, kind, options, required)
    last = await Question.select(Question.position).where(Question.event == event_id).order_by(
        Question.position, ascending=False
    ).first()
    question = Question(event=event_id, position=(last["position"] + 1) if last else 0, **values)
    await question.save()
    return question.id


async def update_question(event_id: int, question_id: int, label: str, kind: str, options: str, required: bool) -> None:
    values = _clean_question(label, kind, options, required)
    updated = await Question.update(values).where((Question.id == question_id) & (Question.event == event_id)).returning(Question.id)
    if not updated:
        raise NotFound(N_("This question does not exist."))


async def delete_question(event_id: int, question_id: int) -> None:
    await Question.delete().where((Question.id == question_id) & (Question.event == event_id))


async def move_question(event_id: int, question_id: int, up: bool) -> None:
    questions = await questions_of(event_id)
    ids = [q["id"] for q in questions]
    if question_id not in ids:
        raise NotFound(N_("This question does not exist."))
    i = ids.index(question_id)
    j = i - 1 if up else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    for position, qid in enumerate(ids):
        await Question.update({Question.position: position}).where(Question.id == qid)


# --- export ------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell Excel will not run as a formula (OWASP: prefix a quote to cells starting with = + - @)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _answer_text(question: dict[str, Any], value: Any, language: str) -> str:
    if question["kind"] == "checkbox":
        return gettext_for(language, "yes") if value else gettext_for(language, "no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


async def export_csv(event: dict[str, Any], user: CurrentUser, now: datetime, language: str = "nl") -> bytes:
    """The attendee list as CSV for Excel: UTF-8 with BOM, `;`-separated, one column per question; audited."""
    questions = await questions_of(event["id"])
    rows = await registrations_of(event["id"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    t = lambda message: gettext_for(language, message)  # noqa: E731
    writer.writerow(
        [t("Number"), t("Status"), t("Name"), t("E-mail address"), t("Organisation"), t("Registered at"),
         t("Checked in at"), *[safe_cell(q["label"]) for q in questions]]
    )
    for row in rows:
        answers = row["answers_map"]
        writer.writerow(
            [row["id"], t(row["status"]), safe_cell(row["name"]), safe_cell(row["email"]),
             safe_cell(row["organisation"]), row["created_at"].isoformat(timespec="seconds") if row["created_at"] else "",
             row["checked_in_at"].isoformat(timespec="seconds") if row["checked_in_at"] else "",
             *[safe_cell(_answer_text(q, answers.get(str(q["id"])), language)) for q in questions]]
        )
    await AuditEntry(
        at=now, actor=user.id, actor_label=user.email, action="export", event=event["id"],
        detail=f"CSV export of {len(rows)} registrations",
    ).save()
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


# --- event-wide messages (called by the programme) ---------------------------------------------------------


async def notify_event_changed(event_id: int, now: datetime, site: Site) -> int:
    """Tells every active registrant that the event changed (with the updated invitation); returns how many."""
    return await _notify_all(event_id, "event_changed", now, site)


async def notify_event_cancelled(event_id: int, now: datetime, site: Site) -> int:
    """Tells every active registrant that the event is cancelled (calendar CANCEL); returns how many."""
    return await _notify_all(event_id, "event_cancelled", now, site)


async def on_event_change(event: dict[str, Any], changed: frozenset[str], now: datetime, site: Site) -> int:
    """The programme changed something a calendar shows (inside its transaction): tell the registrants."""
    if "status" in changed and event["status"] == "cancelled":
        return await notify_event_cancelled(event["id"], now, site)
    if event["status"] == "published" and changed:
        return await notify_event_changed(event["id"], now, site)
    return 0


async def promote_where_places_free(now: datetime, site: Site) -> int:
    """A sweep for the worker: fill free places of every event that has a waiting list (e.g. after the capacity
    was raised); returns how many were promoted."""
    rows = await Registration.select(Registration.event).where(Registration.status == "waitlisted").distinct()
    promoted = 0
    for row in rows:
        promoted += len(await promote_from_waitlist(row["event"], now, site))
    return promoted


async def _notify_all(event_id: int, kind: str, now: datetime, site: Site) -> int:
    engine = Registration._meta.db
    async with write_transaction(engine):
        event = await _locked_event(engine, event_id=event_id)
        if event is None:
            return 0
        rows = await Registration.select().where(
            (Registration.event == event_id) & Registration.status.is_in(list(ACTIVE))
        )
        for row in rows:
            await queue_registration_mail(kind, event, row, site, now)
        return len(rows)


async def queue_due_reminders(now: datetime, site: Site, before: timedelta = REMINDER_BEFORE) -> int:
    """Queues one reminder per confirmed registration of events starting within `before`; returns how many."""
    engine = Registration._meta.db
    events = await Event.select(Event.id).where(
        (Event.status == "published") & (Event.starts_at > now) & (Event.starts_at <= now + before)
    )
    queued = 0
    for item in events:
        async with write_transaction(engine):
            event = await _locked_event(engine, event_id=item["id"])
            rows = await Registration.select().where(
                (Registration.event == item["id"])
                & (Registration.status == "confirmed")
                & Registration.reminder_sent_at.is_null()
            )
            for row in rows:
                await Registration.update({Registration.reminder_sent_at: now}).where(
                    (Registration.id == row["id"]) & Registration.reminder_sent_at.is_null()
                )
                await queue_registration_mail("reminder", event, row, site, now)
                queued += 1
    return queued


# --- retention ---------------------------------------------------------------------------------------------


async def purge(now: datetime, retention_days: int, actor_label: str = "events purge") -> int:
    """Anonymises participant data of events that ended more than `retention_days` ago; returns how many."""
    engine = Registration._meta.db
    cutoff = now - timedelta(days=retention_days)
    event_ids = [row["id"] for row in await Event.select(Event.id).where(Event.ends_at < cutoff)]
    if not event_ids:
        touched = 0
    else:
        async with write_transaction(engine):
            rows = await Registration.select(Registration.id).where(
                Registration.event.is_in(event_ids) & Registration.anonymised_at.is_null()
            )
            for row in rows:
                await Registration.update(
                    {
                        Registration.name: "",
                        Registration.email: "",
                        Registration.email_normalised: f"anonymised-{row['id']}",
                        Registration.organisation: "",
                        Registration.answers: "{}",
                        Registration.anonymised_at: now,
                    }
                ).where(Registration.id == row["id"])
            await mail.forget_events(event_ids)
            touched = len(rows)
    await AuditEntry(
        at=now, actor=None, actor_label=actor_label, action="purge",
        detail=f"anonymised {touched} registrations of events that ended before {cutoff.isoformat(timespec='minutes')}",
    ).save()
    return touched


async def audit_entries(event_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False).limit(limit)
    if event_id is not None:
        query = query.where(AuditEntry.event == event_id)
    return await query
