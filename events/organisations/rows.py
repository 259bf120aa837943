"""Typed rows the organisations domain hands to routes and to other domains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.organisations.tables import OrgRole


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    slug: str
    name: str
    contact_email: str
    website: str
    privacy_url: str
    accessibility_url: str
    primary_colour: str  # "#rrggbb", or "" for the platform's
    logo_type: str  # "" without a logo
    logo_digest: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> OrganisationRow:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class MyOrganisation:
    """An organisation as one member sees it: with their role there."""

    organisation: OrganisationRow
    role: OrgRole


@dataclass(frozen=True)
class Member:
    id: int  # the membership's id (what the team page and the API change or remove)
    user_id: int
    email: str
    name: str
    role: OrgRole
    since: datetime


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    email: str
    role: OrgRole
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class InvitationView:
    """What the holder of an invitation link sees before accepting."""

    id: int
    organisation: OrganisationRow
    email: str
    role: OrgRole
    has_account: bool  # only the link's holder (who got it at this address) learns this
    expires_at: datetime
