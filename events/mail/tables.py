"""Tables of the mail domain: the outbox. A message is a row written in the transaction of the change that causes it."""

from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a deliverer, under a lease
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Table, tablename="mail_outbox"):
    # The programme's event, named (Piccolo resolves it from its app registry), not imported: mail is a library the
    # programme itself writes to, so it may import only the kernel (docs/architecture.md, justified exceptions).
    event = ForeignKey(references=LazyTableReference("Event", app_name="programme"), null=True, index=True)
    registration_id = Integer(null=True, default=None, index=True)
    kind = Varchar(length=40)  # confirmed | waitlisted | pending | promoted | cancelled | event_changed | …
    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    text_body = Text()
    html_body = Text(default="")
    language = Varchar(length=5, default="nl")
    calendar_method = Varchar(length=20, null=True, default=None)  # REQUEST | CANCEL, with calendar_ics
    calendar_ics = Text(null=True, default=None)
    # Set (JSON) when the message is to be rendered by the deliverer, e.g. the registration writer's batch mails,
    # so the writer's transaction holds no template or calendar work; the row itself is written with the change.
    render_context = Text(null=True, default=None)
    # Extra header fields (JSON object, name → value), e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers = Text(null=True, default=None)
    status = Varchar(length=20, default="queued", index=True)  # queued | sending | sent | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    lease_until = Timestamptz(null=True, default=None)  # a deliverer owns a 'sending' row until then
    last_error = Text(default="")
    message_id = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
