"""Shared set-up of the benchmarks' databases: an organiser who may run the organisation's events."""

from __future__ import annotations

from datetime import UTC, datetime


async def organiser_of_organisation(email: str) -> tuple[object, int]:
    """A new organiser account that owns an organisation (the first one, made when there is none): (user, its id).

    Every organiser route is scoped to the caller's organisations, so an event the bench runs must belong to one
    the organiser is a member of."""
    from events.accounts import service as accounts
    from events.organisations.service import create_organisation
    from events.organisations.tables import Membership, Organisation, OrgRole

    organiser = await accounts.create_user(email, "organiser", password="bench-password-123", name="Bench")
    row = await Organisation.select(Organisation.id).first()
    organisation_id = row["id"] if row else (await create_organisation({"name": "Bench"}, datetime.now(UTC))).id
    await Membership.insert(Membership(organisation=organisation_id, member=organiser.id, role=OrgRole.OWNER.value))
    return organiser, organisation_id
