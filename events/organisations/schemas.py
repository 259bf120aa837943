"""API shapes of the organisations domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import msgspec
from litestar.datastructures import UploadFile

RoleName = Literal["owner", "editor", "viewer"]


class OrganisationOut(msgspec.Struct):
    slug: str
    name: str
    contact_email: str
    website: str
    privacy_url: str
    accessibility_url: str
    primary_colour: str = ""  # the theme's "#rrggbb"; "" for the platform's colour
    logo_url: str | None = None  # the sanitised logo (PNG or SVG), when there is one
    stylesheet_url: str = ""  # the theme's design tokens as CSS custom properties
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
    # "#rrggbb" (or "#rgb"); refused below 4.5:1 contrast with white or with the light grey #f3f5f8, with the
    # ratio in the message; "" goes back to the platform's colour
    primary_colour: str | msgspec.UnsetType = msgspec.UNSET


@dataclass
class LogoUpload:
    """The logo as a multipart upload: a PNG, or an SVG without scripts or references outside the file."""

    file: UploadFile


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
