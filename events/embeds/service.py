"""Embeddable pages: which hosts an organisation lets frame them (CSP `frame-ancestors`), and the signed form
token that stands in for the CSRF cookie on the cookieless registration form.

Why a cookieless form is safe: CSRF abuses a visitor's ambient credentials; the embedded form carries none (no
session, no cookie), so a forged post could do no more than anyone can do by filling in the form. Still, a post
is accepted only with a form token we signed for this event within the last hours (HMAC with EVENTS_SECRET_KEY)
and, when the browser names an Origin, only from our own origin (the form lives in our frame).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.embeds.tables import EmbedSettings
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations.tables import Organisation

MAX_HOSTS = 20
HOST = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")
FORM_TOKEN_AGE = timedelta(hours=6)
BAD_HOSTS = N_("Give each host as https://name.example (one a line, no paths)")


async def organisation_by_slug(slug: str) -> dict:
    row = await Organisation.select(Organisation.id, Organisation.slug, Organisation.name).where(Organisation.slug == slug).first()
    if row is None:
        raise NotFound(N_("No organisation with this address"))
    return row


async def hosts_of(organisation_id: int) -> list[str]:
    row = await EmbedSettings.select(EmbedSettings.hosts).where(EmbedSettings.organisation == organisation_id).first()
    return row["hosts"].split() if row else []


def checked_hosts(text: str | list[str]) -> list[str]:
    items = text.replace(",", " ").split() if isinstance(text, str) else [h.strip() for h in text if h.strip()]
    hosts = [item.lower().rstrip("/") for item in items]
    if len(hosts) > MAX_HOSTS or not all(HOST.match(host) for host in hosts):
        raise RuleViolation(BAD_HOSTS, {"hosts": BAD_HOSTS})
    return list(dict.fromkeys(hosts))


async def set_hosts(organisation_id: int, text: str | list[str], actor: CurrentUser, now: datetime) -> list[str]:
    hosts = checked_hosts(text)
    values = {EmbedSettings.hosts: " ".join(hosts), EmbedSettings.updated_at: now}
    if await EmbedSettings.exists().where(EmbedSettings.organisation == organisation_id):
        await EmbedSettings.update(values).where(EmbedSettings.organisation == organisation_id)
    else:
        await EmbedSettings(organisation=organisation_id, hosts=" ".join(hosts), updated_at=now).save()
    await audit.record("embeds.hosts", now, actor=actor, organisation_id=organisation_id, detail=" ".join(hosts)[:500])
    return hosts


def frame_ancestors(hosts: list[str]) -> str:
    """The CSP of an embed: the site's policy with the organisation's hosts as the only framers ('none' if none)."""
    return " ".join(hosts) if hosts else "'none'"


def form_token(secret_key: str, slug: str, now: datetime) -> str:
    issued = str(int(now.timestamp()))
    digest = hmac.new(secret_key.encode(), f"embed-form:{slug}:{issued}".encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{digest}"


def valid_form_token(secret_key: str, slug: str, token: str, now: datetime) -> bool:
    issued, _, digest = token.partition(".")
    if not issued.isdigit() or len(issued) > 12:
        return False
    expected = hmac.new(secret_key.encode(), f"embed-form:{slug}:{issued}".encode(), hashlib.sha256).hexdigest()
    age = now.timestamp() - int(issued)
    return hmac.compare_digest(expected, digest) and -300 <= age <= FORM_TOKEN_AGE.total_seconds()
