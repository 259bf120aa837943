"""Drops the own index of organisation.slug, organisation_invitation.token_hash, organisation_membership.organisation, organisation_logo.organisation: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Varchar

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated organisations indexes"
REPEATED = (
    ("Organisation", "organisation", "slug", Varchar),
    ("Invitation", "organisation_invitation", "token_hash", Varchar),
    ("Membership", "organisation_membership", "organisation", ForeignKey),
    ("OrganisationLogo", "organisation_logo", "organisation", ForeignKey),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="organisations", description=DESCRIPTION), REPEATED)
