"""The outbox any domain writes to: new messages (`outbox`), their content (`rendering`), delivery with retries
(`delivery`, over `smtp`) and what organisers see of failures (`failures`).

A message is a row (`OutboxMessage`) written in the same transaction as the change that causes it, so a change
and its mail commit together or not at all. Callers write `from events.mail import service as mail`.
"""

from events.mail.service.delivery import BACKOFF_BASE, LEASE, MAX_ATTEMPTS, Deliverer
from events.mail.service.failures import failed_messages, mail_counts, retry_failed
from events.mail.service.outbox import (
    forget_events,
    forget_mails_to,
    forget_registration,
    message_values,
    new_message,
    queue_messages,
)
from events.mail.service.rendering import build_mime, render
from events.mail.service.smtp import SmtpTarget

__all__ = [
    "BACKOFF_BASE",
    "LEASE",
    "MAX_ATTEMPTS",
    "Deliverer",
    "SmtpTarget",
    "build_mime",
    "failed_messages",
    "forget_events",
    "forget_mails_to",
    "forget_registration",
    "mail_counts",
    "message_values",
    "new_message",
    "queue_messages",
    "render",
    "retry_failed",
]
