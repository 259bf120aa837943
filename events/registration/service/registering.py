"""Registering, never overbooking: one request (`register`) or the registration desk's batch (`register_batch`),
in ONE write transaction per batch that holds each event's lock while it counts the places and adds people.

Writers take the event's lock first (an IMMEDIATE transaction on SQLite, `SELECT … FOR UPDATE` of the event row on
PostgreSQL), so counting the confirmed places and adding one is never split by another writer, in any process.
The same e-mail twice for one event returns the existing registration (and mails its link, at most hourly).
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.base import Engine

from events.kernel.database import UNIQUE_VIOLATIONS, insert_rows, write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import LANGUAGES, N_
from events.kernel.text import normalise_email
from events.kernel.tokens import hash_token
from events.mail import service as mail
from events.programme.tables import EventStatus
from events.registration.calendar import organiser_contact
from events.registration.rows import Outcome, QuestionRow
from events.registration.service.applicants import Applicant, registration_closed_reason, validate_applicant
from events.registration.service.hooks import status_happenings
from events.registration.service.links import ManageLinks
from events.registration.service.mails import (
    compose_registration_mail,
    queue_registration_mail,
    unrendered_registration_mail,
)
from events.registration.service.queries import (
    confirmed_and_waitlisted,
    locked_event,
    questions_of,
    registrations_by_email,
    waitlist_position,
)
from events.registration.tables import Registration, RegistrationMailKind, RegistrationStatus
from events.webhooks import service as webhooks

LINK_RESEND_INTERVAL = timedelta(hours=1)
RENDER_INLINE_MAX = 4  # batches up to this size render their mails in the transaction

Request = tuple[str, Applicant, datetime]  # (event slug, applicant, now)
Result = Outcome | RuleViolation | NotFound | Conflict


async def register(slug: str, applicant: Applicant, now: datetime, links: ManageLinks) -> Outcome:
    """Registers one applicant; raises RuleViolation/NotFound/Conflict."""
    result = (await register_batch([(slug, applicant, now)], links))[0]
    if isinstance(result, Exception):
        raise result
    return result


async def register_batch(
    requests: list[Request], links: ManageLinks, send_mails: bool = True, render_mails: bool = True
) -> list[Result]:
    """Registers many applicants in ONE write transaction (the desk's batch, an import); one result per request.
    `send_mails=False` (an import that says so) writes no confirmation mails for new registrations.
    `render_mails=False` (the desk in a rush) leaves even a small batch's mails for the deliverer to render.

    A rule failure is a result (RuleViolation), not an exception, so one bad request never sinks its batch. If the
    UNIQUE (event, e-mail) index fires (a writer in another process won a race), each request is retried alone.
    """
    engine = Registration._meta.db
    results: list[Any] = [None] * len(requests)
    try:
        async with write_transaction(engine):
            await _register_in_transaction(engine, requests, results, links, send_mails, render_mails)
    except UNIQUE_VIOLATIONS:
        if len(requests) == 1:
            results = [None]
            async with write_transaction(engine):  # now the other writer's row is visible: answer with it
                await _register_in_transaction(engine, requests, results, links, send_mails, render_mails)
            return results
        return [(await register_batch([request], links, send_mails, render_mails))[0] for request in requests]
    return results


@dataclass
class _EventShare:
    """One event's part of a batch, while its lock is held: who is registered already (and who was added in this
    batch), the places taken so far, and the new rows waiting for their INSERT."""

    event: dict[str, Any]
    questions: list[QuestionRow]
    existing: dict[str, dict[str, Any]]  # normalised e-mail -> row
    confirmed: int
    waitlisted: int
    # (request index, column values, the row as the batch sees it, waiting-list position, manage token)
    fresh: list[tuple[int, dict[str, Any], dict[str, Any], int | None, str]] = field(default_factory=list)
    send_mails: bool = True
    render_mails: bool = True
    size: int = 1  # how many of the batch's requests are for this event

    @property
    def renders_inline(self) -> bool:
        """A small batch in ordinary traffic renders its mails now; in a rush (large batches, or a small one
        between them) they are written unrendered and the deliverer renders them, so templates, sections and
        invitations do not hold the event's lock."""
        return self.render_mails and self.size <= RENDER_INLINE_MAX

    def next_status(self) -> RegistrationStatus:
        """The status of the next applicant, counting them in."""
        capacity = self.event["capacity"]
        if self.event["approval_required"]:
            status = RegistrationStatus.PENDING
        elif capacity is None or self.confirmed < capacity:
            status = RegistrationStatus.CONFIRMED
        else:
            status = RegistrationStatus.WAITLISTED
        self.confirmed += status == RegistrationStatus.CONFIRMED
        self.waitlisted += status == RegistrationStatus.WAITLISTED
        return status


async def _register_in_transaction(
    engine: Engine,
    requests: list[Request],
    results: list[Any],
    links: ManageLinks,
    send_mails: bool = True,
    render_mails: bool = True,
) -> None:
    by_slug: dict[str, list[int]] = defaultdict(list)
    for index, (slug, _applicant, _now) in enumerate(requests):
        by_slug[slug].append(index)
    for slug, indexes in by_slug.items():
        event = await locked_event(engine, slug=slug)
        if event is None or event["status"] == EventStatus.DRAFT:
            for index in indexes:
                results[index] = NotFound(N_("No event with this address"))
            continue
        share = await _share_of(event, [requests[index][1] for index in indexes])
        share.send_mails, share.render_mails = send_mails, render_mails
        for index in indexes:
            _slug, applicant, now = requests[index]
            results[index] = await _take(share, index, applicant, now, links)
        if share.fresh:
            await _insert_fresh(share, results, links)


async def _share_of(event: dict[str, Any], applicants: list[Applicant]) -> _EventShare:
    emails = {normalise_email(applicant.email) for applicant in applicants}
    existing = {row["email_normalised"]: row for row in await registrations_by_email(event["id"], sorted(emails))}
    confirmed, waitlisted = await confirmed_and_waitlisted(event["id"])
    return _EventShare(event, await questions_of(event["id"]), existing, confirmed, waitlisted, size=len(applicants))


async def _take(share: _EventShare, index: int, applicant: Applicant, now: datetime, links: ManageLinks) -> Result | None:
    """One applicant's result, or None when it comes after the batch's INSERT (a new registration)."""
    event = share.event
    email = normalise_email(applicant.email)
    known = share.existing.get(email)
    if known is not None and known["status"] != RegistrationStatus.CANCELLED:
        if known.get("id") is None:  # the same e-mail twice in this batch: answered after the insert
            known["duplicates"].append(index)
            return None
        return await _existing_registration(share, known, links, now)
    closed = registration_closed_reason(event, now)
    if closed:
        return Conflict(closed)
    try:
        answers = validate_applicant(applicant, share.questions)
    except RuleViolation as exc:
        return exc
    status = share.next_status()
    position = share.waitlisted if status == RegistrationStatus.WAITLISTED else None
    values = _stored_values(applicant, answers, status, event, now)
    if known is not None:  # a cancelled registration comes back to life, with a place in today's queue
        return await _register_again(share, known, values, position, links, now)
    nonce = secrets.token_urlsafe(24)
    token = links.manage_token(nonce)
    token_hash = hash_token(token)
    record = {"event": event["id"], "email_normalised": email, "token_nonce": nonce, "token_hash": token_hash,
              "created_at": now, **values}  # column values: `insert_rows` gives the rest their defaults
    row = {**values, "id": None, "event": event["id"], "email_normalised": email, "token_nonce": nonce,
           "token_hash": token_hash, "duplicates": []}
    share.fresh.append((index, record, row, position, token))
    share.existing[email] = row
    return None


def _stored_values(
    applicant: Applicant, answers: dict[str, Any], status: RegistrationStatus, event: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "name": applicant.name.strip(),
        "email": applicant.email.strip(),
        "organisation": (applicant.organisation or "").strip(),
        "answers": json.dumps(answers, ensure_ascii=False),
        "language": applicant.language if applicant.language in LANGUAGES else event["language"],
        "status": status,
        "queued_at": now,
        "updated_at": now,
        "cancelled_at": None,
    }


async def _register_again(
    share: _EventShare, known: dict[str, Any], values: dict[str, Any], position: int | None, links: ManageLinks,
    now: datetime,
) -> Outcome:
    await Registration.update(values).where(Registration.id == known["id"])
    row = {**known, **values}
    if values["status"] == RegistrationStatus.WAITLISTED:
        position = await waitlist_position(row)
    share.existing[row["email_normalised"]] = row
    if share.send_mails:
        await queue_registration_mail(values["status"], share.event, row, links, now, position=position)
    await webhooks.emit_all(status_happenings(share.event, row, created=True), now)
    return _outcome(row, share.event, position, links, created=False)


async def _insert_fresh(share: _EventShare, results: list[Any], links: ManageLinks) -> None:
    """One INSERT for the share's new registrations, one for their mails."""
    event = share.event
    inserted = await insert_rows(Registration, [record for _i, record, *_rest in share.fresh], ("id", "token_hash"))
    ids = {item["token_hash"]: item["id"] for item in inserted}
    render_now = share.renders_inline
    organiser = await organiser_contact(event, links.sender) if render_now else None
    messages = []
    for index, _record, row, position, token in share.fresh:
        row["id"] = ids[row["token_hash"]]
        if not share.send_mails:
            pass
        elif render_now:
            messages.append(
                await compose_registration_mail(row["status"], event, row, links, row["queued_at"], position, organiser)
            )
        else:
            messages.append(unrendered_registration_mail(event, row, position, row["status"], row["queued_at"]))
        results[index] = _outcome(row, event, position, links, created=True, token=token)
        for duplicate in row.pop("duplicates"):  # no token for the second request: it may not be the owner
            results[duplicate] = _outcome(row, event, position, links, created=False)
    await mail.queue_messages(messages)
    happenings = (h for _i, _record, row, *_rest in share.fresh for h in status_happenings(event, row, created=True))
    await webhooks.emit_for(event.get("organisation"), happenings, now=share.fresh[0][2]["queued_at"])


async def _existing_registration(share: _EventShare, known: dict[str, Any], links: ManageLinks, now: datetime) -> Outcome:
    """The same e-mail again: the existing registration, and (at most hourly) its manage link by mail (rendered
    later in a rush, as new registrations' mails are: a flood of repeats must not hold the event's lock)."""
    event, position = share.event, await waitlist_position(known)
    if known.get("link_resent_at") is None or known["link_resent_at"] <= now - LINK_RESEND_INTERVAL:
        await Registration.update({Registration.link_resent_at: now}).where(Registration.id == known["id"])
        known["link_resent_at"] = now
        if share.renders_inline:
            await queue_registration_mail(RegistrationMailKind.LINK, event, known, links, now, position=position)
        else:
            await mail.queue_messages(
                [unrendered_registration_mail(event, known, position, RegistrationMailKind.LINK, now)]
            )
    return _outcome(known, event, position, links, created=False)


def _outcome(
    row: Mapping[str, Any], event: Mapping[str, Any], position: int | None, links: ManageLinks, created: bool,
    token: str | None = None,
) -> Outcome:
    """The answer to one request; only the request that created the registration gets its token (`token`, when the
    caller made it already)."""
    token = (token or links.manage_token(row["token_nonce"])) if created else None
    return Outcome(
        id=row["id"],
        status=RegistrationStatus(row["status"]),
        position=position,
        token=token,
        manage_url=links.manage_url(token) if token else None,
        created=created,
        event_slug=event["slug"],
        event_id=event["id"],
    )
