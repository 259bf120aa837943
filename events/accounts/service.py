"""Accounts: users and roles, argon2 passwords, API tokens and personal (magic) links — secrets only as hashes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from events.accounts.rows import ApiTokenInfo, Profile
from events.accounts.tables import ApiToken, PersonalLink, Role, User
from events.kernel.text import normalise_email, valid_email
from events.kernel.tokens import hash_token, new_token

PERSONAL_LINK_LIFETIME = timedelta(days=60)

_hasher = PasswordHasher()
# Verifying against this keeps the time of a login for an unknown e-mail equal to a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """A request about accounts that cannot be honoured; the message is for people."""


@dataclass(frozen=True)
class CurrentUser:
    """What the web layer knows about the signed-in user."""

    id: int
    email: str
    name: str
    role: str
    # Set when this session came from a speaker's personal link: the organisation that issued it, the only one
    # whose sessions the session reaches.
    link_organisation: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_organiser(self) -> bool:
        return self.role in (Role.ORGANISER, Role.ADMIN)

    @property
    def is_speaker(self) -> bool:
        return self.role == Role.SPEAKER

    @property
    def display_name(self) -> str:
        return self.name or self.email

# The address a forgotten speaker account keeps (RFC 2606's reserved .invalid: no mail can go there).
FORGOTTEN_DOMAIN = "@forgotten.invalid"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _as_current(row: dict) -> CurrentUser:
    return CurrentUser(id=row["id"], email=row["email"], name=row["name"], role=row["role"])


async def create_user(email: str, role: str, password: str | None = None, name: str = "") -> CurrentUser:
    email = normalise_email(email)
    if not valid_email(email):
        raise AccountError(f"not a valid e-mail address: {email!r}")
    try:
        role = Role(role).value
    except ValueError:
        raise AccountError(f"role must be one of {', '.join(Role)}") from None
    if password is not None and len(password) < 10:
        raise AccountError("a password needs at least 10 characters")
    if await User.exists().where(User.email == email):
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(
        email=email,
        role=role,
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
    )
    await user.save()
    return CurrentUser(id=user.id, email=user.email, name=user.name, role=user.role)


async def get_or_create_speaker(
    email: str, name: str = "", organisation: str = "", bio: str = ""
) -> tuple[CurrentUser, bool]:
    """The account for this e-mail, reused as it is when it exists (any role); otherwise a new speaker account
    with this name, organisation and biography."""
    existing = await user_by_email(email)
    if existing:
        return existing, False
    user = await create_user(email, Role.SPEAKER, name=name)
    if organisation or bio:
        await User.update({User.organisation: organisation, User.bio: bio}).where(User.id == user.id)
    return user, True


async def user_by_email(email: str) -> CurrentUser | None:
    """The account with this e-mail address (active or not), or None."""
    row = await User.select(User.id, User.email, User.name, User.role).where(User.email == normalise_email(email)).first()
    return _as_current(row) if row else None


async def get_user(user_id: int) -> CurrentUser | None:
    row = (
        await User.select(User.id, User.email, User.name, User.role)
        .where((User.id == user_id) & (User.active == True))  # noqa: E712 - Piccolo expression
        .first()
    )
    return _as_current(row) if row else None


async def authenticate(email: str, password: str) -> CurrentUser | None:
    """The user for this e-mail and password, or None; takes the same time whether or not the e-mail exists."""
    row = (
        await User.select(User.id, User.email, User.name, User.role, User.password_hash, User.active)
        .where(User.email == normalise_email(email))
        .first()
    )
    stored = row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if not row or not row["password_hash"] or not row["active"]:
        return None
    if _hasher.check_needs_rehash(stored):
        await User.update({User.password_hash: hash_password(password)}).where(User.id == row["id"])
    return _as_current(row)


# --- profiles: what programmes show about a person ------------------------------------------------------------


async def profile_of(user_id: int) -> Profile | None:
    row = await User.select(
        User.id, User.email, User.name, User.organisation, User.bio, User.role, User.active
    ).where(User.id == user_id).first()
    return Profile(**row) if row else None


async def update_profile(user_id: int, name: str, organisation: str, bio: str) -> None:
    """Stores a checked profile (the caller's rules checked it); joins the caller's transaction."""
    await User.update({User.name: name, User.organisation: organisation, User.bio: bio}).where(User.id == user_id)


# --- API tokens ---------------------------------------------------------------------------------------------


async def create_api_token(user_id: int, label: str = "") -> str:
    """A new API token; the plain value is returned once and never stored."""
    token = new_token()
    await ApiToken(user=user_id, token_hash=hash_token(token), label=label[:100]).save()
    return token


async def user_for_api_token(token: str, now: datetime) -> CurrentUser | None:
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.user.id, ApiToken.revoked_at, ApiToken.last_used_at)
        .where(ApiToken.token_hash == hash_token(token))
        .first()
    )
    if not row or row["revoked_at"] is not None:
        return None
    # Recording use at most once a minute keeps authenticated API traffic from turning into writes.
    if row["last_used_at"] is None or now - row["last_used_at"] > timedelta(minutes=1):
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return await get_user(row["user.id"])


async def revoke_api_token(token: str, now: datetime) -> bool:
    updated = (
        await ApiToken.update({ApiToken.revoked_at: now})
        .where((ApiToken.token_hash == hash_token(token)) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return bool(updated)


# --- personal links -----------------------------------------------------------------------------------------


async def create_personal_link(
    user_id: int, now: datetime, lifetime: timedelta = PERSONAL_LINK_LIFETIME, organisation: int | None = None
) -> str:
    """A new personal sign-in token for this user, issued by `organisation`; the URL is `/p/<token>`."""
    token = new_token()
    await PersonalLink(
        user=user_id, token_hash=hash_token(token), expires_at=now + lifetime, organisation=organisation
    ).save()
    return token


async def user_for_personal_link(token: str, now: datetime) -> CurrentUser | None:
    """The user a live link signs in, carrying the organisation that issued it (`link_organisation`)."""
    row = (
        await PersonalLink.select(
            PersonalLink.id, PersonalLink.user.id, PersonalLink.expires_at, PersonalLink.revoked_at,
            PersonalLink.organisation,
        )
        .where(PersonalLink.token_hash == hash_token(token))
        .first()
    )
    if not row or row["revoked_at"] is not None or row["expires_at"] <= now:
        return None
    await PersonalLink.update({PersonalLink.last_used_at: now}).where(PersonalLink.id == row["id"])
    user = await get_user(row["user.id"])
    return None if user is None else dataclasses.replace(user, link_organisation=row["organisation"])


async def has_password(user_id: int) -> bool:
    return await User.exists().where((User.id == user_id) & User.password_hash.is_not_null())


def _links_of(user_id: int, organisation: int | None) -> Any:
    where = PersonalLink.user == user_id
    return where if organisation is None else where & (PersonalLink.organisation == organisation)


async def has_live_personal_link(user_id: int, now: datetime, organisation: int | None = None) -> bool:
    """Whether this user holds a personal link that still signs in (neither revoked nor expired); given
    `organisation`, one issued by that organisation."""
    return await PersonalLink.exists().where(
        _links_of(user_id, organisation) & PersonalLink.revoked_at.is_null() & (PersonalLink.expires_at > now)
    )


async def revoke_personal_links(user_id: int, now: datetime, organisation: int | None = None) -> int:
    """Revoke this user's live links (given `organisation`, only the ones that organisation issued)."""
    updated = (
        await PersonalLink.update({PersonalLink.revoked_at: now})
        .where(_links_of(user_id, organisation) & PersonalLink.revoked_at.is_null())
        .returning(PersonalLink.id)
    )
    return len(updated)


async def list_api_tokens(user_id: int) -> list[ApiTokenInfo]:
    """This user's tokens, newest first."""
    rows = (
        await ApiToken.select(ApiToken.id, ApiToken.label, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at)
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.id, ascending=False)
    )
    return [ApiTokenInfo(**row) for row in rows]


async def revoke_api_token_by_id(user_id: int, token_id: int, now: datetime) -> bool:
    """Revoke one of this user's own tokens; False when it is not theirs or already revoked."""
    updated = (
        await ApiToken.update({ApiToken.revoked_at: now})
        .where((ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return bool(updated)


# --- organisers joining through an invitation ---------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """An account as an invitation sees it: whether it can already sign in with a password."""

    user: CurrentUser
    has_password: bool


async def account_for_email(email: str) -> Account | None:
    row = (
        await User.select(User.id, User.email, User.name, User.role, User.password_hash)
        .where((User.email == normalise_email(email)) & (User.active == True))  # noqa: E712 - Piccolo expression
        .first()
    )
    return Account(_as_current(row), bool(row["password_hash"])) if row else None


async def become_organiser(user_id: int, password: str, name: str = "") -> CurrentUser:
    """A speaker account (no password) that joins an organisation: it gets a password and the organiser role."""
    if len(password) < 10:
        raise AccountError("a password needs at least 10 characters")
    values = {User.password_hash: hash_password(password), User.role: "organiser"}
    if name.strip():
        values[User.name] = name.strip()[:200]
    await User.update(values).where((User.id == user_id) & (User.role != "admin"))
    user = await get_user(user_id)
    assert user is not None
    return user


async def forget_speaker_account(user_id: int) -> bool:
    """Retention: a speaker account nobody needs any more keeps only the name the archived programmes show; its
    address, sign-in links and API tokens go, and it can no longer sign in. False when it was forgotten before
    or is no link-only speaker (an account with a password, or another role, is the person's own)."""
    row = await User.select(User.email, User.role, User.password_hash).where(User.id == user_id).first()
    if row is None or row["role"] != Role.SPEAKER or row["password_hash"] or row["email"].endswith(FORGOTTEN_DOMAIN):
        return False
    await PersonalLink.delete().where(PersonalLink.user == user_id)
    await ApiToken.delete().where(ApiToken.user == user_id)
    await User.update({User.email: f"forgotten-{user_id}{FORGOTTEN_DOMAIN}", User.active: False}).where(User.id == user_id)
    return True
