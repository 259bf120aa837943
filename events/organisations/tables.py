"""Tables of the organisations domain: an organisation, its members with their role, and invitations to join."""

from enum import StrEnum

from piccolo.columns import Bytea, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User


class OrgRole(StrEnum):
    """A member's role in one organisation; each role may do what the roles below it may."""

    VIEWER = "viewer"  # reads programme, attendee lists and results; changes nothing
    EDITOR = "editor"  # events and everything under them
    OWNER = "owner"  # the team and the organisation's settings too

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)

    def includes(self, needed: "OrgRole") -> bool:
        return self.rank >= needed.rank


ROLE_ORDER = (OrgRole.VIEWER, OrgRole.EDITOR, OrgRole.OWNER)


class Organisation(Table, tablename="organisation"):
    slug = Varchar(length=80, unique=True)
    name = Varchar(length=200)
    contact_email = Varchar(length=254, default="")
    website = Text(default="")
    privacy_url = Text(default="")  # the organisation's own privacy statement
    accessibility_url = Text(default="")  # the organisation's own accessibility statement
    primary_colour = Varchar(length=7, default="")  # the theme's "#rrggbb"; empty: the platform's colour
    logo_type = Varchar(length=40, default="")  # image/png or image/svg+xml; empty: no logo
    logo_digest = Varchar(length=64, default="")  # SHA-256 of the logo's bytes: its version in URLs and ETags
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OrganisationLogo(Table, tablename="organisation_logo"):
    """The organisation's logo as served: a verified PNG or a sanitised SVG. Kept apart from the organisation's
    row so that reading an organisation never reads the image; its type and digest are on the row, so a new logo
    changes the organisation (and bumps the public pages' content version)."""

    organisation = ForeignKey(references=Organisation, unique=True, on_delete=OnDelete.cascade)
    content_type = Varchar(length=40)
    data = Bytea()
    updated_at = Timestamptz(default=TimestamptzNow())


class Membership(Table, tablename="organisation_membership"):
    """UNIQUE (organisation, member): one role per person per organisation (see the migration)."""

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade)
    member = ForeignKey(references=User, index=True, on_delete=OnDelete.cascade)
    role = Varchar(length=20, default=OrgRole.VIEWER)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table, tablename="organisation_invitation"):
    """An owner's invitation to join, mailed as a one-time link (only the token's hash is kept)."""

    organisation = ForeignKey(references=Organisation, index=True, on_delete=OnDelete.cascade)
    email = Varchar(length=254)  # normalised
    role = Varchar(length=20, default=OrgRole.EDITOR)
    token_hash = Varchar(length=64, unique=True)
    invited_by = ForeignKey(references=User, null=True, index=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
