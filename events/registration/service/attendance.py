"""Attendance: who really came. Online, a participant reaches the meeting through their personal join link
`/j/{token}`, whose first and last use we record (not a HEAD request, not a mail client's or chat app's link
preview, not a browser's prefetch); onsite, the check-in (QR) counts. Organisers see attended / no-show per
registration and per session, and export it."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from crawlerdetect import CrawlerDetect

from events.accounts.service import CurrentUser
from events.kernel.database import write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.spreadsheet import excel_csv
from events.programme import service as programme
from events.programme.tables import EventStatus
from events.registration.rows import RegistrationRow
from events.registration.service import audit
from events.registration.service.links import (
    ManageLinks,
    join_token_matches,
    join_url_for,
    registration_id_of_join_token,
)
from events.registration.service.queries import registration_row_by_token, waitlist_position
from events.registration.tables import AuditAction, JoinUse, Registration, RegistrationStatus

# Headers with which browsers and proxies announce a prefetch or preview rather than a person's click.
PREFETCH_HEADERS = {"purpose": ("prefetch", "preview"), "sec-purpose": ("prefetch",), "x-purpose": ("preview", "prefetch"),
                    "x-moz": ("prefetch",)}
# A session counts the participants who went to the meeting from this long before its start until its end.
SESSION_EARLY = timedelta(minutes=15)
CSV_COLUMNS = (N_("Number"), N_("Status"), N_("Name"), N_("E-mail address"), N_("Attended"), N_("First joined at"),
               N_("Last joined at"), N_("Checked in at"))


@cache
def _crawlers() -> CrawlerDetect:
    return CrawlerDetect()


def is_preview(method: str, headers: dict[str, str]) -> bool:
    """Whether this request is no person going to the meeting: HEAD, a prefetch, or a known link previewer or bot
    (by its User-Agent, the CrawlerDetect list: Slack, Teams/Office, WhatsApp, Outlook's safe links, …)."""
    if method.upper() != "GET":
        return True
    if any(v in (headers.get(name) or "").lower() for name, values in PREFETCH_HEADERS.items() for v in values):
        return True
    agent = headers.get("user-agent") or ""
    return bool(agent) and bool(_crawlers().isCrawler(agent))


async def use_join_link(token: str, secret_key: str, now: datetime, counts: bool) -> str:
    """The meeting's URL for this personal join token, recording the use when it `counts`. NotFound for an
    unknown token or a registration without a confirmed place; 410 once the event is cancelled."""
    registration_id = registration_id_of_join_token(token)
    row = await Registration.select().where(Registration.id == registration_id).first() if registration_id else None
    if row is None or not join_token_matches(secret_key, row, token) or row["status"] != RegistrationStatus.CONFIRMED:
        raise NotFound(N_("This link is not valid (any more)."))
    event = await programme.event_by_id(row["event"])
    if event is None or event["status"] == EventStatus.DRAFT:
        raise NotFound(N_("This link is not valid (any more)."))
    if event["status"] == EventStatus.CANCELLED:
        raise RuleViolation(N_("This event has been cancelled."), status_code=410)
    url = join_url_for(event, row["status"])
    if url is None:
        raise NotFound(N_("This link is not valid (any more)."))
    if counts:
        async with write_transaction(Registration._meta.db):
            await Registration.update({Registration.last_join_at: now}).where(Registration.id == row["id"])
            await Registration.update({Registration.first_join_at: now}).where(
                (Registration.id == row["id"]) & Registration.first_join_at.is_null()
            )
            await JoinUse.insert(JoinUse(registration=row["id"], at=now))
    return url


def attended(row: dict[str, Any]) -> bool:
    return row.get("first_join_at") is not None or row.get("checked_in_at") is not None


async def attendance_of(event_id: int) -> list[dict[str, Any]]:
    """Every registration of the event with its attendance: status, attended, first/last join, check-in."""
    rows = await Registration.select(
        Registration.id, Registration.name, Registration.email, Registration.status, Registration.first_join_at,
        Registration.last_join_at, Registration.checked_in_at,
    ).where(Registration.event == event_id).order_by(Registration.id)
    return [{**row, "attended": attended(row)} for row in rows]


async def session_attendance(event_id: int) -> list[dict[str, Any]]:
    """Per session: how many confirmed participants came (went to the meeting from SESSION_EARLY before its start
    until its end, or checked in before its end) and how many did not."""
    confirmed = [r for r in await attendance_of(event_id) if r["status"] == RegistrationStatus.CONFIRMED]
    uses = await JoinUse.select(JoinUse.registration, JoinUse.at).where(JoinUse.registration.event == event_id)
    result = []
    for session in await programme.sessions_of(event_id):
        start, end = session["starts_at"] - SESSION_EARLY, session["ends_at"]
        online = {u["registration"] for u in uses if start <= u["at"] <= end}
        came = sum(1 for r in confirmed if r["id"] in online or (r["checked_in_at"] and r["checked_in_at"] <= end))
        result.append({"session": session, "attended": came, "no_show": len(confirmed) - came})
    return result


async def attendance_csv(event: dict[str, Any], user: CurrentUser, now: datetime, language: str = "nl") -> bytes:
    """The attendance per registration as CSV for Excel; audited like the attendee export."""
    rows = await attendance_of(event["id"])
    header = [gettext_for(language, column) for column in CSV_COLUMNS]
    yes, no = gettext_for(language, "yes"), gettext_for(language, "no")
    body = excel_csv([header, *(
        [r["id"], gettext_for(language, r["status"]), r["name"], r["email"], yes if r["attended"] else no,
         _moment(r["first_join_at"]), _moment(r["last_join_at"]), _moment(r["checked_in_at"])]
        for r in rows
    )])
    await audit.record(now, AuditAction.EXPORT, f"CSV export of the attendance of {len(rows)} registrations", user=user,
                       event_id=event["id"])
    return body


def _moment(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


async def manage_view(token: str, links: ManageLinks) -> tuple[RegistrationRow, dict[str, Any], str | None] | None:
    """What a manage page shows of its registration: the row (with its place on the waiting list), its event and
    the personal join link where `join_url_for` allows the join URL; None for a token of no registration. One
    read of the stored row serves all three (the join token's nonce is in it: no second read of the row)."""
    stored = await registration_row_by_token(token)
    if stored is None:
        return None
    event = await programme.event_by_id(stored["event"])
    row = RegistrationRow.from_row(stored, await waitlist_position(stored))
    return row, event, links.join_link(event, stored)
