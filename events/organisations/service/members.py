"""The team: members and their roles. An organisation always keeps an owner: the last one cannot leave, be
removed or step down. Every change is in the audit trail."""

from __future__ import annotations

from datetime import datetime

from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.organisations.rows import Member, OrganisationRow
from events.organisations.service.directory import create_organisation, organisation_by_id
from events.organisations.tables import Membership, Organisation, OrgRole

CHOOSE = N_("Choose the organisation the event belongs to")
LAST_OWNER = N_("An organisation needs at least one owner: make someone else owner first")


def parse_role(value: str) -> OrgRole:
    try:
        return OrgRole(value)
    except ValueError:
        raise RuleViolation(N_("Choose owner, editor or viewer"), {"role": N_("Choose owner, editor or viewer")}) from None


async def members_of(organisation_id: int) -> list[Member]:
    rows = await Membership.select(
        Membership.id, Membership.role, Membership.created_at,
        Membership.member.id.as_alias("user_id"), Membership.member.email.as_alias("email"),
        Membership.member.name.as_alias("name"),
    ).where(Membership.organisation == organisation_id)
    members = [
        Member(id=r["id"], user_id=r["user_id"], email=r["email"], name=r["name"], role=OrgRole(r["role"]), since=r["created_at"])
        for r in rows
    ]
    return sorted(members, key=lambda m: (-m.role.rank, (m.name or m.email).casefold()))


async def add_member(
    organisation_id: int, user_id: int, role: OrgRole | str, now: datetime,
    actor: CurrentUser | None = None, actor_label: str = "",
) -> Member:
    """Makes someone a member (or gives an existing member this role); joins the caller's transaction."""
    role = parse_role(role)
    existing = await Membership.select(Membership.id).where(
        (Membership.organisation == organisation_id) & (Membership.member == user_id)
    ).first()
    if existing:
        await Membership.update({Membership.role: role, Membership.updated_at: now}).where(Membership.id == existing["id"])
    else:
        await Membership(organisation=organisation_id, member=user_id, role=role, created_at=now, updated_at=now).save()
    await audit.record(
        "members.add", now, actor=actor, actor_label=actor_label, organisation_id=organisation_id,
        subject=f"user {user_id}", detail=f"role {role}",
    )
    return next(m for m in await members_of(organisation_id) if m.user_id == user_id)


async def _membership(organisation_id: int, membership_id: int) -> dict:
    row = await Membership.select().where(
        (Membership.id == membership_id) & (Membership.organisation == organisation_id)
    ).first()
    if row is None:
        raise NotFound(N_("This person is not a member of this organisation"))
    return row


async def _owners(organisation_id: int) -> int:
    return await Membership.count().where(
        (Membership.organisation == organisation_id) & (Membership.role == OrgRole.OWNER)
    )


async def change_role(
    organisation: OrganisationRow, membership_id: int, role: OrgRole | str, actor: CurrentUser, now: datetime
) -> Member:
    role = parse_role(role)
    engine = Membership._meta.db
    async with write_transaction(engine):
        await lock_row(engine, Organisation, organisation.id)  # two owners stepping down at once keep one
        row = await _membership(organisation.id, membership_id)
        if row["role"] == OrgRole.OWNER and role != OrgRole.OWNER and await _owners(organisation.id) <= 1:
            raise Conflict(LAST_OWNER, {"role": LAST_OWNER})
        await Membership.update({Membership.role: role, Membership.updated_at: now}).where(Membership.id == membership_id)
        await audit.record(
            "members.role", now, actor=actor, organisation_id=organisation.id,
            subject=f"user {row['member']}", detail=f"{row['role']} -> {role}",
        )
    return next(m for m in await members_of(organisation.id) if m.id == membership_id)


async def remove_member(organisation: OrganisationRow, membership_id: int, actor: CurrentUser, now: datetime) -> None:
    """Removes a member (an owner removing someone, or a member leaving); never the last owner."""
    engine = Membership._meta.db
    async with write_transaction(engine):
        await lock_row(engine, Organisation, organisation.id)
        row = await _membership(organisation.id, membership_id)
        if row["role"] == OrgRole.OWNER and await _owners(organisation.id) <= 1:
            raise Conflict(LAST_OWNER, {"role": LAST_OWNER})
        await Membership.delete().where(Membership.id == membership_id)
        await audit.record(
            "members.remove", now, actor=actor, organisation_id=organisation.id,
            subject=f"user {row['member']}", detail=f"was {row['role']}",
        )


async def organisation_for_new_event(user: CurrentUser, slug: str | None, now: datetime) -> OrganisationRow:
    """Where a new event of this user goes: the organisation named by `slug` (editor or owner there), else their one
    organisation; a user in several must say which; an organiser in none gets an organisation of their own, as
    its owner (as `events user create` gives one)."""
    allowed = [org_id for org_id, role in await _roles_of(user.id) if role.includes(OrgRole.EDITOR)]
    if slug:
        row = await Organisation.select(Organisation.id).where(Organisation.slug == slug).first()
        role = dict(await _roles_of(user.id)).get(row["id"]) if row else None
        if role is None:
            raise RuleViolation(CHOOSE, {"organisation": N_("You are not a member of this organisation")})
        if not role.includes(OrgRole.EDITOR):
            raise Forbidden(N_("Only editors and owners of this organisation can do this"))
        return await organisation_by_id(row["id"])
    if len(allowed) == 1:
        return await organisation_by_id(allowed[0])
    if allowed:
        raise RuleViolation(CHOOSE, {"organisation": CHOOSE})
    await require_may_create_events(user)
    own = await create_organisation({"name": user.name or user.email}, now, actor=user)
    await add_member(own.id, user.id, OrgRole.OWNER, now, actor=user)
    return own


async def may_create_events(user: CurrentUser) -> bool:
    """Whether this user may create an event: not a member who is only a viewer (in all their organisations). An
    organiser in no organisation may (they get one of their own, `organisation_for_new_event`)."""
    roles = [role for _org, role in await _roles_of(user.id)]
    return not roles or any(role.includes(OrgRole.EDITOR) for role in roles)


async def require_may_create_events(user: CurrentUser) -> None:
    """`may_create_events`, or Forbidden."""
    if not await may_create_events(user):
        raise Forbidden(N_("Only editors and owners of this organisation can do this"))


async def _roles_of(user_id: int) -> list[tuple[int, OrgRole]]:
    rows = await Membership.select(Membership.organisation, Membership.role).where(Membership.member == user_id)
    return [(row["organisation"], OrgRole(row["role"])) for row in rows]
