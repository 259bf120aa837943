"""Tables of the webhooks domain: an organisation's endpoints and the delivery outbox (one row per message per
endpoint, written in the transaction of the change that causes it; the row is also the delivery log)."""

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.organisations.tables import Organisation


class EventType(StrEnum):
    """The event types an endpoint may subscribe to (the CloudEvents `type` of its messages)."""

    REGISTRATION_CREATED = "registration.created"
    REGISTRATION_CONFIRMED = "registration.confirmed"
    REGISTRATION_WAITLISTED = "registration.waitlisted"
    REGISTRATION_PROMOTED = "registration.promoted"
    REGISTRATION_CANCELLED = "registration.cancelled"
    REGISTRATION_CHECKED_IN = "registration.checked_in"
    EVENT_PUBLISHED = "event.published"
    EVENT_CHANGED = "event.changed"
    EVENT_CANCELLED = "event.cancelled"
    QUIZ_RUN_FINISHED = "quiz.run_finished"
    EVALUATION_ANSWERED = "evaluation.answered"
    PING = "webhook.ping"  # sent by the ping operation, to one endpoint, whatever it subscribed to


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a deliverer, under a lease
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up: a day of retries, or the address was refused


class WebhookEndpoint(Table, tablename="webhook_endpoint"):
    organisation = ForeignKey(references=Organisation, index=True, on_delete=OnDelete.cascade)
    url = Text()
    description = Varchar(length=200, default="")
    event_types = Text(default="")  # space-separated EventType values
    # The signing secret is derived from this nonce and EVENTS_SECRET_KEY (HMAC), never stored itself.
    secret_nonce = Varchar(length=64)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class WebhookDelivery(Table, tablename="webhook_delivery"):
    endpoint = ForeignKey(references=WebhookEndpoint, index=True, on_delete=OnDelete.cascade)
    message_id = Varchar(length=64, index=True)  # the CloudEvent's id and the `webhook-id` header
    event_type = Varchar(length=40)
    subject = Varchar(length=200, default="")
    data = Text()  # the CloudEvent's data, JSON
    occurred_at = Timestamptz()  # the CloudEvent's time
    status = Varchar(length=20, default=DeliveryStatus.QUEUED, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    lease_until = Timestamptz(null=True, default=None)
    last_attempt_at = Timestamptz(null=True, default=None)
    last_status_code = Integer(null=True, default=None)  # the receiver's answer, None when none came
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    delivered_at = Timestamptz(null=True, default=None)
