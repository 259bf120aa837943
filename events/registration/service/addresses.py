"""Proof that the person behind an e-mail address stands behind a registration. Anyone can register with any
address, and sees the manage page of what they registered; only mails reach the address's owner. So the mails'
manage link carries a proof (`ManageLinks.mail_proof`) beside the token, and the personal feed's key travels only
by mail: opening either marks the registration `address_confirmed_at`, and the address's personal feed lists only
such registrations — never one that somebody else made with the address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.kernel.tokens import same_secret
from events.registration.service.links import ManageLinks
from events.registration.service.queries import registration_row_by_token
from events.registration.tables import Registration

INVALID = N_("This link is not valid (any more).")


async def confirm_address(registration: dict[str, Any], now: datetime) -> None:
    """Marks the registration as confirmed by its address's owner (once; the first time counts)."""
    if registration.get("address_confirmed_at") is None:
        await Registration.update({Registration.address_confirmed_at: now}).where(
            (Registration.id == registration["id"]) & Registration.address_confirmed_at.is_null()
        )


async def open_mail_link(token: str, proof: str, now: datetime, links: ManageLinks, counts: bool) -> None:
    """The mail's manage link was opened: NotFound unless token and proof belong together; the address counts as
    confirmed when the opening `counts` (a person's GET, not a link previewer or a prefetch)."""
    row = await registration_row_by_token(token)
    if row is None or len(proof) > 64 or not same_secret(links.mail_proof(row["token_nonce"]), proof):
        raise NotFound(INVALID)
    if counts:
        await confirm_address(row, now)

