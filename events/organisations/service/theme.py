"""An organisation's theme: its primary colour (checked in `colours`), its logo (checked in `logos`), and the
stylesheet of design tokens (CSS custom properties) that its event pages, embeds and mails use."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import write_transaction
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.organisations.rows import OrganisationRow
from events.organisations.service.colours import PLATFORM_PRIMARY
from events.organisations.service.directory import organisation_by_id, organisation_by_slug
from events.organisations.service.logos import CheckedLogo
from events.organisations.tables import Organisation, OrganisationLogo

NO_LOGO = N_("This organisation has no logo")


@dataclass(frozen=True)
class Theme:
    """What a page, embed or mail needs of an organisation's theme."""

    name: str
    primary_colour: str  # the organisation's, or the platform's
    stylesheet_url: str  # /organisations/{slug}/theme.css?v=…
    logo_url: str  # "" without a logo
    version: str


def theme_version(primary_colour: str, logo_digest: str) -> str:
    return hashlib.sha256(f"{primary_colour}|{logo_digest}".encode()).hexdigest()[:16]


def theme_of(slug: str, name: str, primary_colour: str, logo_type: str, logo_digest: str) -> Theme:
    version = theme_version(primary_colour, logo_digest)
    logo = f"/organisations/{slug}/logo?v={logo_digest[:16]}" if logo_type else ""
    return Theme(name, primary_colour or PLATFORM_PRIMARY, f"/organisations/{slug}/theme.css?v={version}", logo, version)


def theme_for(organisation: OrganisationRow) -> Theme:
    return theme_of(organisation.slug, organisation.name, organisation.primary_colour, organisation.logo_type,
                    organisation.logo_digest)


def stylesheet(organisation: OrganisationRow) -> str:
    """The organisation's design tokens; they override the platform's in static/css/site.css."""
    lines = [f"/* Theme of {_css_comment(organisation.name)}: design tokens over the platform's (site.css). */"]
    if organisation.primary_colour:
        lines += [":root {", f"  --color-primary: {organisation.primary_colour};", "  --color-on-primary: #ffffff;", "}"]
    return "\n".join(lines) + "\n"


def _css_comment(text: str) -> str:
    return re.sub(r"[^\w .,&'()-]", "", text).replace("*/", "")[:200]


async def set_logo(organisation: OrganisationRow, logo: CheckedLogo | None, actor: CurrentUser, now: datetime) -> OrganisationRow:
    """An owner's new logo (checked by `logos.checked_logo`), or None to remove it. The organisation's row changes
    in the same transaction, so cached public pages show it at the next request."""
    digest = hashlib.sha256(logo.data).hexdigest() if logo else ""
    async with write_transaction(Organisation._meta.db):
        await OrganisationLogo.delete().where(OrganisationLogo.organisation == organisation.id)
        if logo is not None:
            await OrganisationLogo(organisation=organisation.id, content_type=logo.content_type, data=logo.data,
                                   updated_at=now).save()
        await Organisation.update({
            Organisation.logo_type: logo.content_type if logo else "", Organisation.logo_digest: digest,
            Organisation.updated_at: now,
        }).where(Organisation.id == organisation.id)
        await audit.record("organisations.theme", now, actor=actor, organisation_id=organisation.id,
                           subject=organisation.slug, detail=f"logo: {logo.content_type if logo else 'removed'}")
    return await organisation_by_id(organisation.id)


async def public_organisation(slug: str) -> OrganisationRow:
    organisation = await organisation_by_slug(slug)
    if organisation is None:
        raise NotFound(N_("No organisation with this address"))
    return organisation


async def logo_of(slug: str) -> tuple[OrganisationRow, str, bytes]:
    """The organisation, its logo's type and bytes (as kept: checked, sanitised); NotFound without a logo."""
    organisation = await public_organisation(slug)
    row = await OrganisationLogo.select(OrganisationLogo.content_type, OrganisationLogo.data).where(
        OrganisationLogo.organisation == organisation.id
    ).first()
    if row is None:
        raise NotFound(NO_LOGO)
    return organisation, row["content_type"], bytes(row["data"])
