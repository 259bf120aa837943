"""The directory of organisations: creating one (admins, the CLI), reading it, and the owners' settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import read_rows, write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import has_control_characters, normalise_email, slugify, valid_email, valid_web_url
from events.organisations.rows import OrganisationRow
from events.organisations.service.colours import checked_colour
from events.organisations.tables import Organisation

SETTINGS_FIELDS = ("name", "contact_email", "website", "privacy_url", "accessibility_url", "primary_colour")
URL_FIELDS = ("website", "privacy_url", "accessibility_url")


def clean_settings(data: dict[str, Any]) -> dict[str, str]:
    """The organisation's name, contact address, links and theme colour, checked; RuleViolation names every
    failing field."""
    values = {name: str(data.get(name) or "").strip() for name in SETTINGS_FIELDS}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = N_("Enter the organisation's name")
    elif len(values["name"]) > 200 or has_control_characters(values["name"]):
        errors["name"] = N_("Use at most 200 characters, without line breaks or control characters")
    values["contact_email"] = normalise_email(values["contact_email"])
    if values["contact_email"] and not valid_email(values["contact_email"]):
        errors["contact_email"] = N_("Enter a valid e-mail address")
    for name in URL_FIELDS:
        if values[name] and (not valid_web_url(values[name]) or len(values[name]) > 500):
            errors[name] = N_("Enter a web address that starts with https:// or http://")
    values["primary_colour"], colour_problem = checked_colour(values["primary_colour"])
    if colour_problem:
        errors["primary_colour"] = colour_problem
    if errors:
        raise RuleViolation(N_("The organisation could not be saved"), errors)
    return values


async def _free_slug(base: str) -> str:
    taken = {
        row["slug"]
        for row in await Organisation.select(Organisation.slug).where(
            (Organisation.slug == base) | Organisation.slug.like(f"{base}-%")
        )
    }
    number, slug = 2, base
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


async def create_organisation(
    data: dict[str, Any], now: datetime, slug: str | None = None, actor: CurrentUser | None = None, actor_label: str = ""
) -> OrganisationRow:
    """A new organisation; its slug comes from the name (or `slug`), made unique with -2, -3, …"""
    values = clean_settings(data)
    base = slugify(slug or values["name"], fallback="organisatie")
    engine = Organisation._meta.db
    async with write_transaction(engine):
        organisation = Organisation(**values, slug=await _free_slug(base), created_at=now, updated_at=now)
        await organisation.save()
        await audit.record(
            "organisations.create", now, actor=actor, actor_label=actor_label, organisation_id=organisation.id,
            subject=organisation.slug, detail=values["name"],
        )
    return await organisation_by_id(organisation.id)


async def organisation_by_id(organisation_id: int) -> OrganisationRow:
    rows = await read_rows(_BY_ID, organisation_id)
    if not rows:
        raise NotFound(N_("No organisation with this address"))
    return OrganisationRow.of(rows[0])


# Written out: every mail of an event reads its organisation's theme (Piccolo built the query anew each time).
_BY_ID = f"SELECT * FROM {Organisation._meta.tablename} WHERE id = {{}}"


async def organisation_by_slug(slug: str) -> OrganisationRow | None:
    row = await Organisation.select().where(Organisation.slug == slug).first()
    return OrganisationRow.of(row) if row else None


async def all_organisations() -> list[OrganisationRow]:
    """Every organisation, by name (the platform admin's list)."""
    rows = await Organisation.select().order_by(Organisation.name)
    return [OrganisationRow.of(row) for row in rows]


async def update_settings(
    organisation: OrganisationRow, data: dict[str, Any], actor: CurrentUser, now: datetime
) -> OrganisationRow:
    """An owner's change of the name, contact address, links and theme colour (the caller checked the role).
    Partial: fields not sent keep their value."""
    current = {name: getattr(organisation, name) for name in SETTINGS_FIELDS}
    values = clean_settings({**current, **{k: v for k, v in data.items() if k in SETTINGS_FIELDS}})
    changed = sorted(name for name in SETTINGS_FIELDS if values[name] != current[name])
    engine = Organisation._meta.db
    async with write_transaction(engine):
        await Organisation.update({**values, "updated_at": now}).where(Organisation.id == organisation.id)
        if changed:
            await audit.record(
                "organisations.settings", now, actor=actor, organisation_id=organisation.id,
                subject=organisation.slug, detail="changed: " + ", ".join(changed),
            )
    return await organisation_by_id(organisation.id)
