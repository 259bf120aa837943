"""The audit trail's one table. Events and organisations are referred to by id and name, not by foreign key: the
trail must outlive what it is about (a deleted draft, a purged registration)."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User


class AuditEntry(Table, tablename="audit_entry"):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    # Who acted; NULL for the system (e.g. `events purge`), then `actor_label` says what.
    actor = ForeignKey(references=User, null=True, index=True, on_delete=OnDelete.set_null)
    actor_label = Varchar(length=254, default="")
    action = Varchar(length=60, index=True)  # e.g. "registrations.export", "members.invite"
    organisation_id = Integer(null=True, default=None, index=True)
    event_id = Integer(null=True, default=None, index=True)
    subject = Varchar(length=254, default="")  # what was acted on, for people ("resource 12", "member 7")
    detail = Text(default="")
