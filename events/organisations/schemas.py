"""API shapes of the organisations domain."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

RoleName = Literal["owner", "editor", "viewer"]


class OrganisationOut(msgspec.Struct):
    slug: str
    name: str
    contact_email: str
    website: str
    privacy_url: str
    accessibility_url: str
    role: RoleName | None = None  # the caller's role (None for an admin who is no member)


class OrganisationIn(msgspec.Struct):
    name: str = msgspec.field()
    slug: str | None = None
    contact_email: str = ""
    website: str = ""
    privacy_url: str = ""
    accessibility_url: str = ""


class OrganisationPatch(msgspec.Struct):
    name: str | msgspec.UnsetType = msgspec.UNSET
    contact_email: str | msgspec.UnsetType = msgspec.UNSET
    website: str | msgspec.UnsetType = msgspec.UNSET
    privacy_url: str | msgspec.UnsetType = msgspec.UNSET
    accessibility_url: str | msgspec.UnsetType = msgspec.UNSET


class MemberOut(msgspec.Struct):
    id: int
    email: str
    name: str
    role: RoleName
    since: datetime


class MemberInvite(msgspec.Struct):
    email: str
    role: RoleName = "editor"


class MemberPatch(msgspec.Struct):
    role: RoleName


class InvitationOut(msgspec.Struct):
    """An open invitation; its link went by mail to `email` and is never shown here."""

    id: int
    email: str
    role: RoleName
    created_at: datetime
    expires_at: datetime
