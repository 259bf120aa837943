"""The links a participant gets: their secret manage link (a token derived from the site's secret, so later mails
can carry it while the database holds only its hash), and the online join URL, which only a confirmed registrant
of a published online or hybrid event may see — on their page, in their mails, invitations and personal feed."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from events.kernel.settings import Settings
from events.programme.tables import EventFormat, EventStatus
from events.registration.tables import RegistrationStatus


@dataclass(frozen=True)
class ManageLinks:
    """What the links in mails and answers need: the public base URL and the key that derives manage tokens."""

    base_url: str
    secret_key: str
    sender: str = ""  # the site's sender address: the calendar's last ORGANIZER fallback

    @classmethod
    def from_settings(cls, settings: Settings) -> ManageLinks:
        return cls(base_url=settings.base_url, secret_key=settings.secret_key, sender=settings.mail_from)

    def manage_token(self, nonce: str) -> str:
        digest = hmac.new(self.secret_key.encode(), b"registration-manage:" + nonce.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def manage_url(self, token: str) -> str:
        return f"{self.base_url}/registrations/{token}"

    def mail_proof(self, nonce: str) -> str:
        """What only mails to the address carry beside the manage token: opening the mail's manage link shows that
        the person behind the address confirmed this registration (`address_confirmed_at`)."""
        digest = hmac.new(self.secret_key.encode(), b"registration-mail:" + nonce.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()

    def mail_manage_url(self, token: str, nonce: str) -> str:
        """The manage link as mails carry it: `/registrations/{token}/mail/{proof}`, on to the manage page."""
        return f"{self.manage_url(token)}/mail/{self.mail_proof(nonce)}"

    def event_url(self, event: Mapping[str, Any]) -> str:
        return f"{self.base_url}/events/{event['slug']}"

    def join_token(self, registration: Mapping[str, Any]) -> str:
        """The personal join token "<id>-<HMAC of the nonce>": derived like the manage token but under another
        label, so a forwarded join link opens the meeting and nothing else."""
        return join_token(self.secret_key, registration)

    def join_link(self, event: Mapping[str, Any], registration: Mapping[str, Any], status: str | None = None) -> str | None:
        """The personal redirect `/j/{token}` to the meeting, where `join_url_for` allows the join URL."""
        if join_url_for(event, status or registration["status"]) is None:
            return None
        return f"{self.base_url}/j/{self.join_token(registration)}"


def join_token(secret_key: str, registration: Mapping[str, Any]) -> str:
    digest = hmac.new(secret_key.encode(), b"registration-join:" + registration["token_nonce"].encode(), hashlib.sha256).digest()
    return f"{registration['id']}-{base64.urlsafe_b64encode(digest[:18]).decode()}"


def registration_id_of_join_token(token: str) -> int | None:
    number, _, rest = token.partition("-")
    return int(number) if number.isascii() and number.isdigit() and rest and len(number) < 12 else None


def join_token_matches(secret_key: str, registration: Mapping[str, Any], token: str) -> bool:
    return hmac.compare_digest(join_token(secret_key, registration).encode(), token.encode())


def join_url_for(event: Mapping[str, Any], status: str) -> str | None:
    """The online join URL for a registrant in this status: only for a confirmed place at a published online or
    hybrid event; never anywhere else (public pages, feeds and the public API carry none)."""
    if status != RegistrationStatus.CONFIRMED or event.get("status") != EventStatus.PUBLISHED:
        return None
    if event.get("format") not in (EventFormat.ONLINE, EventFormat.HYBRID):
        return None
    return event.get("join_url") or None


def event_as_seen_by(event: Mapping[str, Any], status: str, join_link: str | None = None) -> dict[str, Any]:
    """The event row as a registrant in this status may see it: the join URL only when `join_url_for` allows it
    (what invitations and the personal feed are built from), as their personal `join_link` when given."""
    allowed = join_url_for(event, status)
    return {**event, "join_url": (join_link or allowed or "") if allowed else ""}
