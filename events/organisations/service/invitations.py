"""Invitations: an owner invites a colleague by e-mail; the one-time link (only its hash is kept) lets them set a
password and join, or attach the account they already have by signing in with it."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.accounts import service as accounts
from events.accounts.service import CurrentUser
from events.audit import service as audit
from events.kernel.database import write_transaction
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.text import has_control_characters, normalise_email, valid_email
from events.kernel.tokens import hash_token, new_token, plausible_token
from events.mail import service as mail
from events.organisations.rows import InvitationView, OrganisationRow, PendingInvitation
from events.organisations.service.directory import create_organisation, organisation_by_id
from events.organisations.service.members import add_member, parse_role
from events.organisations.tables import Invitation, Membership, OrgRole

INVITATION_LIFETIME = timedelta(days=14)
NOT_VALID = N_("This invitation is not valid (any more). Ask the organisation for a new one.")
SUBJECT = N_("Invitation to join %(organisation)s")


def _clean_invite(email: str, role: str) -> tuple[str, OrgRole]:
    email = normalise_email(email)
    if not valid_email(email):
        raise RuleViolation(N_("The invitation could not be sent"), {"email": N_("Enter a valid e-mail address")})
    return email, parse_role(role)


async def invite(
    organisation: OrganisationRow, email: str, role: str, actor: CurrentUser, now: datetime, base_url: str, language: str
) -> PendingInvitation:
    """Invites `email` with `role`; earlier open invitations of this address to this organisation stop working.
    The link goes by mail only (through the outbox, in the transaction that makes it)."""
    email, role = _clean_invite(email, role)
    account = await accounts.account_for_email(email)
    if account and await Membership.exists().where(
        (Membership.organisation == organisation.id) & (Membership.member == account.user.id)
    ):
        raise Conflict(N_("This person is already a member"), {"email": N_("This person is already a member")})
    token = new_token()
    engine = Invitation._meta.db
    async with write_transaction(engine):
        await Invitation.update({Invitation.revoked_at: now}).where(
            (Invitation.organisation == organisation.id) & (Invitation.email == email)
            & Invitation.accepted_at.is_null() & Invitation.revoked_at.is_null()
        )
        invitation = Invitation(
            organisation=organisation.id, email=email, role=role, token_hash=hash_token(token), invited_by=actor.id,
            created_at=now, expires_at=now + INVITATION_LIFETIME,
        )
        await invitation.save()
        await _queue_invitation_mail(organisation, email, role, token, actor, now, base_url, language)
        await audit.record(
            "members.invite", now, actor=actor, organisation_id=organisation.id, subject=email, detail=f"role {role}"
        )
    return PendingInvitation(invitation.id, email, role, now, now + INVITATION_LIFETIME)


async def _queue_invitation_mail(
    organisation: OrganisationRow, email: str, role: OrgRole, token: str, actor: CurrentUser, now: datetime,
    base_url: str, language: str,
) -> None:
    context = {
        "organisation": organisation, "role": role, "inviter": actor, "link": f"{base_url}/invitations/{token}",
        "expires_at": now + INVITATION_LIFETIME,
    }
    text, html = mail.render("mail/invitation", language, context)
    await mail.queue_messages([mail.new_message(
        to_address=email, subject=gettext_for(language, SUBJECT, organisation=organisation.name),
        text_body=text, html_body=html, kind="invitation", language=language, now=now,
    )])


async def _open_invitation(token: str, now: datetime) -> dict:
    row = None
    if plausible_token(token):
        row = await Invitation.select().where(Invitation.token_hash == hash_token(token)).first()
    if row is None or row["accepted_at"] or row["revoked_at"] or row["expires_at"] <= now:
        raise NotFound(NOT_VALID)
    return row


async def invitation_for_token(token: str, now: datetime) -> InvitationView:
    row = await _open_invitation(token, now)
    account = await accounts.account_for_email(row["email"])
    return InvitationView(
        id=row["id"], organisation=await organisation_by_id(row["organisation"]), email=row["email"],
        role=OrgRole(row["role"]), has_account=bool(account and account.has_password), expires_at=row["expires_at"],
    )


async def _joining_account(email: str, signed_in: CurrentUser | None, name: str, password: str) -> CurrentUser:
    """The account that accepts: the address's own (signed in, or proven by its password), a speaker account that
    now gets a password, or a new organiser account."""
    account = await accounts.account_for_email(email)
    if account and account.has_password:
        if signed_in is not None and signed_in.id == account.user.id:
            return account.user
        user = await accounts.authenticate(email, password)
        if user is None:
            raise RuleViolation(N_("Sign in to accept"), {"password": N_("This password is not right")})
        return user
    errors = {}
    if not name.strip() or len(name) > 200 or has_control_characters(name):
        errors["name"] = N_("Enter your name (at most 200 characters)")
    if len(password) < 10:
        errors["password"] = N_("Choose a password of at least 10 characters")
    if errors:
        raise RuleViolation(N_("Please correct the marked fields."), errors)
    if account:
        return await accounts.become_organiser(account.user.id, password, name)
    return await accounts.create_user(email, "organiser", password=password, name=name.strip())


async def accept_invitation(
    token: str, now: datetime, *, signed_in: CurrentUser | None = None, name: str = "", password: str = ""
) -> CurrentUser:
    """Joins the invited address's account (made when needed) to the organisation; the link then stops working."""
    row = await _open_invitation(token, now)
    user = await _joining_account(row["email"], signed_in, name, password)
    engine = Invitation._meta.db
    async with write_transaction(engine):
        accepted = await Invitation.update({Invitation.accepted_at: now}).where(
            (Invitation.id == row["id"]) & Invitation.accepted_at.is_null()
        ).returning(Invitation.id)
        if not accepted:  # the same link used twice at once
            raise NotFound(NOT_VALID)
        await add_member(row["organisation"], user.id, row["role"], now, actor=user)
    return user


async def pending_invitations(organisation_id: int, now: datetime) -> list[PendingInvitation]:
    rows = await Invitation.select().where(
        (Invitation.organisation == organisation_id) & Invitation.accepted_at.is_null()
        & Invitation.revoked_at.is_null() & (Invitation.expires_at > now)
    ).order_by(Invitation.created_at)
    return [PendingInvitation(r["id"], r["email"], OrgRole(r["role"]), r["created_at"], r["expires_at"]) for r in rows]


async def revoke_invitation(organisation: OrganisationRow, invitation_id: int, actor: CurrentUser, now: datetime) -> None:
    engine = Invitation._meta.db
    async with write_transaction(engine):
        revoked = await Invitation.update({Invitation.revoked_at: now}).where(
            (Invitation.id == invitation_id) & (Invitation.organisation == organisation.id)
            & Invitation.accepted_at.is_null() & Invitation.revoked_at.is_null()
        ).returning(Invitation.email)
        if not revoked:
            raise NotFound(N_("No open invitation with this number"))
        await audit.record(
            "members.uninvite", now, actor=actor, organisation_id=organisation.id, subject=revoked[0]["email"]
        )


async def create_with_first_owner(
    name: str, slug: str | None, owner_email: str, admin: CurrentUser, now: datetime, base_url: str, language: str
) -> OrganisationRow:
    """A new organisation and the invitation of its first owner (the platform admin's action), together or not."""
    if not valid_email(owner_email):
        raise RuleViolation(N_("The organisation could not be saved"), {"owner_email": N_("Enter a valid e-mail address")})
    async with write_transaction(Invitation._meta.db):
        organisation = await create_organisation({"name": name}, now, slug=slug, actor=admin)
        await invite(organisation, owner_email, OrgRole.OWNER, admin, now, base_url, language)
    return organisation
