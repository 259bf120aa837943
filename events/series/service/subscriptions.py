""""Tell me when the next one opens": subscriptions to a series, with double opt-in by mail.

Someone leaves their address on the series page; they get a confirmation mail with a link (its token kept only
as a hash) and hear nothing else until they confirm. A confirmed subscriber gets one notice per new event of the
series: when an event of the series is published (or a published upcoming event is added to it), written to the
outbox in the same transaction, once per subscriber and event (`SeriesNotice`, UNIQUE). Every mail carries an
unsubscribe link of its own and the RFC 8058 headers (`List-Unsubscribe`, `List-Unsubscribe-Post`), so a mail
client unsubscribes with one click. An unsubscribe deletes the subscriber; unconfirmed subscriptions go after
CONFIRM_DAYS (a worker round job). Organisers see how many confirmed subscribers a series has, never who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events.kernel.database import insert_rows, write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import LANGUAGES, N_, gettext_for
from events.kernel.text import normalise_email, valid_email
from events.kernel.tokens import hash_token, new_token, plausible_token
from events.mail import service as mail
from events.mail.tables import OutboxMessage
from events.programme.tables import EventStatus
from events.series.tables import (
    SeriesEvent,
    SeriesMailKind,
    SeriesNotice,
    Subscriber,
    SubscriberToken,
    TokenPurpose,
)

CONFIRM_DAYS = 7
RESEND_AFTER = timedelta(minutes=10)  # a second request for the same address within this sends no second mail
BAD_LINK = N_("This link is not valid (any more)")
CONFIRM_SUBJECT = N_("Confirm: news about %(name)s")
NOTICE_SUBJECT = N_("New in %(name)s: %(title)s")


def clean_email(email: Any) -> str:
    address = normalise_email(str(email or ""))
    if not valid_email(address):
        raise RuleViolation(N_("Check your e-mail address"), {"email": N_("Enter an e-mail address, such as naam@gemeente.nl")})
    return address


async def _token(subscriber_id: int, purpose: TokenPurpose, now: datetime) -> str:
    token = new_token()
    await SubscriberToken(subscriber=subscriber_id, purpose=purpose.value, token_hash=hash_token(token), created_at=now).save()
    return token


def _links(base_url: str, token: str) -> tuple[str, dict[str, str]]:
    """The unsubscribe page for the mail's text, and the one-click headers (RFC 8058) for its client."""
    base = base_url.rstrip("/")
    return f"{base}/series/unsubscribe/{token}", {
        "List-Unsubscribe": f"<{base}/api/series/unsubscribe/{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


async def _mail(subscriber: dict, series: dict, kind: SeriesMailKind, subject: str, context: dict, now: datetime,
                base_url: str, event_id: int | None = None) -> OutboxMessage:
    unsubscribe_link, headers = _links(base_url, await _token(subscriber["id"], TokenPurpose.UNSUBSCRIBE, now))
    language = subscriber["language"]
    values = {**context, "series": series, "unsubscribe_link": unsubscribe_link,
              "series_link": f"{base_url.rstrip('/')}/series/{series['slug']}"}
    text, html = mail.render(f"mail/{kind.value}", language, values)
    return mail.new_message(to_address=subscriber["email"], subject=subject, text_body=text, html_body=html,
                            kind=kind.value, language=language, now=now, event_id=event_id, headers=headers)


async def subscribe(series: dict[str, Any], email: Any, language: str, now: datetime, base_url: str) -> None:
    """Asks for the address's confirmation. The answer is the same whether the address was new, waiting for
    confirmation or already confirmed, so the form tells nobody who subscribed; a confirmed address gets no mail,
    and a waiting one at most one mail per RESEND_AFTER."""
    address = clean_email(email)
    language = language if language in LANGUAGES else LANGUAGES[0]
    async with write_transaction(Subscriber._meta.db):
        row = await Subscriber.select().where((Subscriber.series == series["id"]) & (Subscriber.email == address)).first()
        if row is not None and row["confirmed_at"] is not None:
            return
        if row is None:
            saved = await Subscriber.insert(Subscriber(series=series["id"], email=address, language=language, created_at=now)).returning(
                *Subscriber.all_columns())
            row = saved[0]
        else:
            last = await SubscriberToken.select(SubscriberToken.created_at).where(
                (SubscriberToken.subscriber == row["id"]) & (SubscriberToken.purpose == TokenPurpose.CONFIRM.value)
            ).order_by(SubscriberToken.created_at, ascending=False).first()
            if last is not None and now - last["created_at"] < RESEND_AFTER:
                return
        confirm_link = f"{base_url.rstrip('/')}/series/confirm/{await _token(row['id'], TokenPurpose.CONFIRM, now)}"
        subject = gettext_for(row["language"], CONFIRM_SUBJECT, name=series["name"])
        message = await _mail(row, series, SeriesMailKind.CONFIRM, subject,
                              {"confirm_link": confirm_link, "expires_at": now + timedelta(days=CONFIRM_DAYS)}, now, base_url)
        await mail.queue_messages([message])


async def _subscriber_for(token: str | None, purpose: TokenPurpose, now: datetime) -> dict[str, Any]:
    if not plausible_token(token):
        raise NotFound(BAD_LINK)
    query = SubscriberToken.select(SubscriberToken.subscriber, SubscriberToken.created_at).where(
        (SubscriberToken.token_hash == hash_token(token)) & (SubscriberToken.purpose == purpose.value))
    found = await query.first()
    if found is None or (purpose == TokenPurpose.CONFIRM and now - found["created_at"] > timedelta(days=CONFIRM_DAYS)):
        raise NotFound(BAD_LINK)
    row = await Subscriber.select(*Subscriber.all_columns(), Subscriber.series.slug.as_alias("series_slug"),
                                  Subscriber.series.name.as_alias("series_name")).where(Subscriber.id == found["subscriber"]).first()
    if row is None:
        raise NotFound(BAD_LINK)
    return row


async def pending_confirmation(token: str | None, now: datetime) -> dict[str, Any]:
    """The subscriber a confirmation link is for (the page asks them to press the button)."""
    return await _subscriber_for(token, TokenPurpose.CONFIRM, now)


async def confirm(token: str | None, now: datetime) -> dict[str, Any]:
    """Confirms the subscription of this link (its confirmation tokens go); returns the subscriber."""
    row = await _subscriber_for(token, TokenPurpose.CONFIRM, now)
    async with write_transaction(Subscriber._meta.db):
        if row["confirmed_at"] is None:
            await Subscriber.update({Subscriber.confirmed_at: now}).where(Subscriber.id == row["id"])
        await SubscriberToken.delete().where(
            (SubscriberToken.subscriber == row["id"]) & (SubscriberToken.purpose == TokenPurpose.CONFIRM.value))
    return {**row, "confirmed_at": row["confirmed_at"] or now}


async def subscription_for_unsubscribe(token: str | None, now: datetime) -> dict[str, Any]:
    return await _subscriber_for(token, TokenPurpose.UNSUBSCRIBE, now)


async def _forget(subscriber: dict[str, Any]) -> None:
    """The subscriber's row goes with its tokens and notices; their mails too when no other series has them."""
    await Subscriber.delete().where(Subscriber.id == subscriber["id"])
    if not await Subscriber.exists().where(Subscriber.email == subscriber["email"]):
        await mail.forget_mails_to(subscriber["email"], "series_")


async def unsubscribe(token: str | None, now: datetime) -> dict[str, Any]:
    """Ends the subscription of this link; returns what it was (for the page: the series' name)."""
    row = await _subscriber_for(token, TokenPurpose.UNSUBSCRIBE, now)
    async with write_transaction(Subscriber._meta.db):
        await _forget(row)
    return row


async def notify_subscribers(event: dict[str, Any], now: datetime, base_url: str) -> int:
    """A notice to every confirmed subscriber of every series the event is in who has not had one for it, when the
    event is published and still to come. Joins the caller's transaction; returns how many were written."""
    if event.get("status") != EventStatus.PUBLISHED or event["starts_at"] <= now:
        return 0
    series_ids = [row["series"] for row in await SeriesEvent.select(SeriesEvent.series).where(SeriesEvent.event == event["id"])]
    if not series_ids:
        return 0
    told = {row["subscriber"] for row in await SeriesNotice.select(SeriesNotice.subscriber).where(SeriesNotice.event == event["id"])}
    subscribers = await Subscriber.select(
        *Subscriber.all_columns(), Subscriber.series.slug.as_alias("series_slug"), Subscriber.series.name.as_alias("series_name")
    ).where(Subscriber.series.is_in(series_ids) & Subscriber.confirmed_at.is_not_null()).order_by(Subscriber.id)
    fresh = [s for s in subscribers if s["id"] not in told]
    base = base_url.rstrip("/")
    messages = []
    for subscriber in fresh:
        series = {"id": subscriber["series"], "slug": subscriber["series_slug"], "name": subscriber["series_name"]}
        subject = gettext_for(subscriber["language"], NOTICE_SUBJECT, name=series["name"], title=event["title"])
        messages.append(await _mail(subscriber, series, SeriesMailKind.NOTICE, subject,
                                    {"event": event, "event_link": f"{base}/events/{event['slug']}"}, now, base_url,
                                    event_id=event["id"]))
    await insert_rows(SeriesNotice, [SeriesNotice(subscriber=s["id"], event=event["id"], sent_at=now) for s in fresh], returning=())
    await mail.queue_messages(messages)
    return len(messages)


@dataclass(frozen=True)
class NotifyOnPublish:
    """programme's calendar listener: an event that became published tells its series' subscribers (a value, so
    the registry keeps one per base URL however many apps are made)."""

    base_url: str

    async def __call__(self, event: dict[str, Any], changed: frozenset[str], now: datetime) -> None:
        if "status" in changed:
            await notify_subscribers(event, now, self.base_url)


async def purge_unconfirmed(now: datetime) -> int:
    """Subscriptions nobody confirmed within CONFIRM_DAYS go, with their mails (a worker round job)."""
    stale = await Subscriber.select(Subscriber.id, Subscriber.email).where(
        Subscriber.confirmed_at.is_null() & (Subscriber.created_at < now - timedelta(days=CONFIRM_DAYS)))
    for row in stale:
        async with write_transaction(Subscriber._meta.db):
            await _forget(row)
    return len(stale)
