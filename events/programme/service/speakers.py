"""Speakers on sessions: putting someone on a session by e-mail (their speaker account comes from accounts), taking
them off, renewing their personal link, and the mail that brings them the link.

Only speaker accounts get a personal link here: a link for an organiser's or admin's account would let one
organiser sign in as another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts import service as accounts
from events.accounts.tables import Role
from events.kernel.database import write_transaction
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import LANGUAGES, N_, gettext_for
from events.kernel.text import normalise_email, valid_email
from events.mail import service as mail
from events.programme.rows import AddedSpeaker
from events.programme.service.queries import session_of_event, speaks_at_event
from events.programme.service.sessions import date_programme_change
from events.programme.tables import SessionSpeaker, SpeakerProfile

SPEAKER_LINK_SUBJECT = N_("Your personal link for %(title)s")
NOT_ADDED = N_("The speaker could not be added")


def _check_speaker(email: str, name: str, organisation: str) -> None:
    if not valid_email(email):
        raise RuleViolation(NOT_ADDED, {"email": N_("Enter a valid e-mail address")})
    if len(name) > 200 or len(organisation) > 200:
        raise RuleViolation(NOT_ADDED, {"name": N_("The name is too long")})


async def _assign(event: dict[str, Any], session_id: int, speaker_id: int, now: datetime) -> None:
    async with write_transaction(SessionSpeaker._meta.db):
        if not await SessionSpeaker.exists().where(
            (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == speaker_id)
        ):
            position = await SessionSpeaker.count().where(SessionSpeaker.session == session_id)
            await SessionSpeaker(session=session_id, speaker=speaker_id, position=position).save()
            await date_programme_change([event["id"]], now)


async def _ensure_profile(organisation: int, speaker_id: int, name: str, affiliation: str) -> None:
    """The organisation's own profile of this speaker, made from what its organiser typed (never from the account,
    which would tell the organiser what another organisation or the speaker entered)."""
    if not await SpeakerProfile.exists().where(
        (SpeakerProfile.organisation == organisation) & (SpeakerProfile.speaker == speaker_id)
    ):
        await SpeakerProfile(organisation=organisation, speaker=speaker_id, name=name, affiliation=affiliation).save()


async def add_speaker(
    event: dict[str, Any], session_id: int, email: str, now: datetime, name: str = "", organisation: str = "",
    base_url: str | None = None,
) -> AddedSpeaker:
    """Put a speaker on a session by e-mail, creating (or reusing) their account, and mail them.

    The organiser learns only the address the mail goes to: not whether it already had an account, and never a
    personal link. A speaker account without a live link of this event's organisation gets a new one, tied to that
    organisation, by mail (given `base_url`); other accounts sign in with their own password.
    """
    email = normalise_email(email)
    _check_speaker(email, name, organisation)
    await session_of_event(event, session_id)
    speaker, _created = await accounts.get_or_create_speaker(email, name=name.strip(), organisation=organisation.strip())
    await _assign(event, session_id, speaker.id, now)
    async with write_transaction(SessionSpeaker._meta.db):
        await _ensure_profile(event["organisation"], speaker.id, name.strip(), organisation.strip())
        token = None
        if speaker.is_speaker and not await accounts.has_live_personal_link(speaker.id, now, event["organisation"]):
            token = await accounts.create_personal_link(speaker.id, now, organisation=event["organisation"])
        if base_url and (token or not speaker.is_speaker):  # an account of their own: told to sign in with it
            await queue_speaker_link_mail(event, speaker.id, token, base_url, now)
    return AddedSpeaker(speaker_id=speaker.id, email=speaker.email)


async def remove_speaker(event: dict[str, Any], session_id: int, speaker_id: int, now: datetime) -> None:
    await session_of_event(event, session_id)
    async with write_transaction(SessionSpeaker._meta.db):
        removed = await SessionSpeaker.delete().where(
            (SessionSpeaker.session == session_id) & (SessionSpeaker.speaker == speaker_id)
        ).returning(SessionSpeaker.id)
        if not removed:
            raise NotFound(N_("This person is not a speaker of this session"))
        await date_programme_change([event["id"]], now)


async def new_speaker_link(event: dict[str, Any], speaker_id: int, now: datetime, base_url: str | None = None) -> str:
    # Returns the token for the CLI and tests; pages and the API show only the address it was mailed to.
    """A fresh personal link for a speaker of this event, mailed to the speaker (given `base_url`); their older
    links from this event's organisation stop working, those of other organisations do not."""
    if not await speaks_at_event(event["id"], speaker_id):
        raise NotFound(N_("This person is not a speaker of this event"))
    profile = await accounts.profile_of(speaker_id)
    if profile is None or profile.role != Role.SPEAKER:
        raise Forbidden(N_("Organisers and administrators sign in with their own account, not a personal link"))
    async with write_transaction(SessionSpeaker._meta.db):
        await accounts.revoke_personal_links(speaker_id, now, organisation=event["organisation"])
        token = await accounts.create_personal_link(speaker_id, now, organisation=event["organisation"])
        if base_url:
            await queue_speaker_link_mail(event, speaker_id, token, base_url, now)
    return token


async def queue_speaker_link_mail(
    event: dict[str, Any], speaker_id: int, token: str | None, base_url: str, now: datetime
) -> None:
    """The speaker's personal link by mail, in the event's language, with their sessions and the upload deadline
    (without a token: an account of their own, told to sign in with it). Call it in the transaction that made the
    link: the outbox row and the link exist together or not at all."""
    speaker = await accounts.profile_of(speaker_id)
    sessions = await SessionSpeaker.select(
        SessionSpeaker.session.title.as_alias("title"), SessionSpeaker.session.starts_at.as_alias("starts_at")
    ).where((SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event == event["id"])).order_by(
        SessionSpeaker.session.starts_at
    )
    language = event.get("language") or LANGUAGES[0]
    text, html = mail.render("mail/speaker_link", language, {
        "event": event, "speaker": speaker, "sessions": sessions, "link": f"{base_url}/p/{token}" if token else None,
        "login": f"{base_url}/login",
        "expires_at": now + accounts.PERSONAL_LINK_LIFETIME,
    })
    await mail.queue_messages([mail.new_message(
        to_address=speaker.email, subject=gettext_for(language, SPEAKER_LINK_SUBJECT, title=event["title"]),
        text_body=text, html_body=html, kind="speaker_link", language=language, now=now, event_id=event["id"],
    )])
