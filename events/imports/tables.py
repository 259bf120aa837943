"""Tables of the imports domain: an uploaded participant list between its preview and its commit."""

from piccolo.columns import Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User
from events.programme.tables import Event


class ParticipantImport(Table, tablename="participant_import"):
    event = ForeignKey(references=Event, index=True, on_delete=OnDelete.cascade)
    created_by = ForeignKey(references=User, null=True, index=True, on_delete=OnDelete.set_null)
    filename = Varchar(length=200, default="")
    # The parsed rows (JSON) until the commit, which empties them: the people are registrations then.
    rows = Text(default="[]")
    unknown_columns = Text(default="[]")  # JSON: the file's column names nobody knows (shown, ignored)
    send_mails = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    committed_at = Timestamptz(null=True, default=None)
    result = Text(default="")  # JSON counts of the commit
