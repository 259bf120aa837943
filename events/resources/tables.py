"""Tables of the resources domain: the platform's library and its links into events and sessions.

A resource is never deleted, only retired (`retired_at`): the links stay so history (past events, quiz questions,
sent mails) still points at something; pages and the public API hide retired resources.
"""

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User
from events.organisations.tables import Organisation
from events.programme.tables import Event, Session


class Aspect(StrEnum):
    """The six aspects of integral security, in the platform's order."""

    FYSIEKE_BEVEILIGING = "fysieke_beveiliging"
    INFORMATIEBEVEILIGING = "informatiebeveiliging"
    PERSONELE_BEVEILIGING = "personele_beveiliging"
    CONTINUITEIT = "continuiteit"
    VOORBEREIDING = "voorbereiding"
    BEWUSTZIJN = "bewustzijn"


class ResourceKind(StrEnum):
    STORY = "story"
    GUIDE = "guide"
    TOOL = "tool"
    RECORDING = "recording"
    SCAN = "scan"


class Resource(Table, tablename="resources_resource"):
    title = Varchar(length=200)
    url = Text()
    summary = Text(default="")
    aspect = Varchar(length=40, index=True)  # an Aspect
    kind = Varchar(length=20, index=True)  # a ResourceKind
    language = Varchar(length=5, default="nl")
    tags = Text(default="")  # comma-separated, lower case, e.g. "phishing,oefening"
    retired_at = Timestamptz(null=True, default=None, index=True)
    created_by = ForeignKey(references=User, null=True, index=True)
    # None: the shared library of the platform (admins edit it); else the organisation that keeps this entry (its
    # editors edit it, its members see it in the back office). Anyone links a shared entry or one of their own.
    organisation = ForeignKey(references=Organisation, null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # Link health, written by `events check-links`
    last_checked_at = Timestamptz(null=True, default=None)
    last_status = Integer(null=True, default=None)  # final HTTP status, None when no answer
    last_error = Text(default="")  # e.g. "timeout", "too many redirects", "HTTP 404"
    last_elapsed_ms = Integer(null=True, default=None)
    broken = Boolean(default=False, index=True)


class EventResource(Table, tablename="resources_event_resource"):
    event = ForeignKey(references=Event)
    resource = ForeignKey(references=Resource, index=True)
    position = Integer(default=0)


class SessionResource(Table, tablename="resources_session_resource"):
    session = ForeignKey(references=Session)
    resource = ForeignKey(references=Resource, index=True)
    position = Integer(default=0)
