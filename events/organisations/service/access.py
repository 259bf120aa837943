"""The boundary: who may see and do what in which organisation.

Every organiser route goes through `require_role` (or `organisation_for`): someone who is not a member learns
nothing — another organisation's object answers 404, the same as a missing one —, a member whose role is too weak
gets 403. The platform role `admin` is not a way in: admins keep the platform (organisations, the shared
library), not other organisations' events.
"""

from __future__ import annotations

from events.accounts.service import CurrentUser
from events.kernel.errors import Forbidden, NotFound
from events.kernel.i18n import N_
from events.organisations.rows import MyOrganisation, OrganisationRow
from events.organisations.tables import ROLE_ORDER, Membership, Organisation, OrgRole

NOT_FOUND = N_("No organisation with this address")
TOO_WEAK = {
    OrgRole.EDITOR: N_("Only editors and owners of this organisation can do this"),
    OrgRole.OWNER: N_("Only owners of this organisation can do this"),
    OrgRole.VIEWER: N_("Only members of this organisation can see this"),
}


async def role_in(user_id: int, organisation_id: int) -> OrgRole | None:
    row = await Membership.select(Membership.role).where(
        (Membership.member == user_id) & (Membership.organisation == organisation_id)
    ).first()
    return OrgRole(row["role"]) if row else None


async def require_role(user: CurrentUser | None, organisation_id: int, needed: OrgRole, missing: str = NOT_FOUND) -> OrgRole:
    """The user's role in this organisation if it includes `needed`; NotFound (with `missing`, the message the
    caller would give for a missing object) when they are no member, Forbidden when the role is too weak."""
    role = await role_in(user.id, organisation_id) if user is not None else None
    if role is None:
        raise NotFound(missing)
    if not role.includes(needed):
        raise Forbidden(TOO_WEAK[needed])
    return role


async def organisation_for(user: CurrentUser, slug: str, needed: OrgRole = OrgRole.VIEWER) -> MyOrganisation:
    row = await Organisation.select().where(Organisation.slug == slug).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    role = await require_role(user, row["id"], needed)
    return MyOrganisation(OrganisationRow.of(row), role)


async def organisations_of(user: CurrentUser) -> list[MyOrganisation]:
    """The organisations this user is a member of, with their role, by name."""
    rows = await Membership.select(
        Membership.role, *(getattr(Membership.organisation, name).as_alias(name) for name in OrganisationRow.__dataclass_fields__)
    ).where(Membership.member == user.id)
    mine = [MyOrganisation(OrganisationRow.of(row), OrgRole(row["role"])) for row in rows]
    return sorted(mine, key=lambda m: m.organisation.name.casefold())


async def member_organisation_ids(user: CurrentUser, needed: OrgRole = OrgRole.VIEWER) -> list[int]:
    """The ids of the organisations in which this user's role includes `needed` (for list queries)."""
    allowed = [role for role in ROLE_ORDER if role.includes(needed)]
    rows = await Membership.select(Membership.organisation).where(
        (Membership.member == user.id) & Membership.role.is_in(list(allowed))
    )
    return [row["organisation"] for row in rows]
