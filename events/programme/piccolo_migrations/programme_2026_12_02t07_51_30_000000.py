"""Every event belongs to an organisation: events made before organisations existed go to an organisation of the
member who made them (their first membership, else a new organisation named after them, with them as owner)."""

import re
import unicodedata
from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-02T07:51:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "every_event_gets_its_organisation"


def _slug(name: str) -> str:
    # A copy of the rule of its day (events.kernel.text.slugify): migrations must not change with the code.
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80].rstrip("-") or "organisatie"


async def _rows(sql: str, *args):
    return await engine_finder().run_querystring(QueryString(sql, *args))


async def _free_slug(base: str) -> str:
    taken = {r["slug"] for r in await _rows("SELECT slug FROM organisation WHERE slug = {} OR slug LIKE {}", base, f"{base}-%")}
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


async def _organisation_of(user_id: int, now: datetime) -> int:
    member = await _rows("SELECT organisation FROM organisation_membership WHERE member = {} ORDER BY id LIMIT 1", user_id)
    if member:
        return member[0]["organisation"]
    user = (await _rows("SELECT name, organisation, email FROM account_user WHERE id = {}", user_id))[0]
    name = (user["organisation"] or user["name"] or user["email"]).strip()[:200]
    made = await _rows(
        "INSERT INTO organisation (slug, name, contact_email, website, privacy_url, accessibility_url, created_at, updated_at) "
        "VALUES ({}, {}, {}, '', '', '', {}, {}) RETURNING id",
        await _free_slug(_slug(name)), name, user["email"], now, now,
    )
    organisation_id = made[0]["id"]
    await _rows(
        "INSERT INTO organisation_membership (organisation, member, role, created_at, updated_at) VALUES ({}, {}, 'owner', {}, {})",
        organisation_id, user_id, now, now,
    )
    return organisation_id


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="programme", description=DESCRIPTION)

    async def give_every_event_its_organisation():
        now = datetime.now(UTC)
        for row in await _rows("SELECT DISTINCT organiser FROM programme_event WHERE organisation IS NULL"):
            organisation_id = await _organisation_of(row["organiser"], now)
            await _rows(
                "UPDATE programme_event SET organisation = {} WHERE organiser = {} AND organisation IS NULL",
                organisation_id, row["organiser"],
            )

    manager.add_raw(give_every_event_its_organisation)
    return manager
