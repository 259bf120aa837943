"""Tables of the materials domain: a speaker's file on a session, and every uploaded version of it.

A Material is what participants see ("the slides of this talk"); each upload to it is a MaterialVersion with its
own stored object, size and SHA-256. Replacing a file adds a version; earlier versions stay for the organiser.
"""

from enum import StrEnum

from piccolo.columns import BigInt, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User
from events.programme.tables import Event, Session


class Visibility(StrEnum):
    """Who may download a material (organisers and the session's speakers always may)."""

    PUBLIC = "public"
    REGISTRANTS = "registrants"
    ORGANISERS = "organisers"


class Release(StrEnum):
    """When participants may see a material: now, when its session starts, or at a chosen moment."""

    NOW = "now"
    SESSION_START = "session_start"
    AT = "at"


class Material(Table, tablename="materials_material"):
    session = ForeignKey(references=Session, index=True)
    event = ForeignKey(references=Event, index=True)  # the session's event: organiser pages list by event
    visibility = Varchar(length=20, default="public")  # a Visibility
    release = Varchar(length=20, default="session_start")  # a Release
    release_at = Timestamptz(null=True, default=None)  # the chosen moment when release is Release.AT
    current_version = Integer(default=1)
    created_by = ForeignKey(references=User, index=True, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MaterialVersion(Table, tablename="materials_version"):
    material = ForeignKey(references=Material, index=True)
    version = Integer(default=1)
    storage_key = Varchar(length=200, unique=True)  # generated; never derived from the uploaded name
    original_name = Varchar(length=255)  # sanitised, for display and Content-Disposition only
    content_type = Varchar(length=120)
    kind = Varchar(length=10)  # pdf | pptx | odp | docx | odt | xlsx | png | jpeg | mp4
    size = BigInt(default=0)
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(references=User, index=True, null=True)
    uploaded_at = Timestamptz(default=TimestamptzNow())
