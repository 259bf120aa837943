"""Tables of the registration domain: registrations, the event's own questions, and the names of the audited actions."""

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.programme.tables import Event


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"  # waits for the organiser's approval
    CANCELLED = "cancelled"
    REJECTED = "rejected"


# A registration that still holds (or waits for) a place.
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class RegistrationMailKind(StrEnum):
    """The kinds of mail registration writes to the outbox (its `kind` column): one per status a registration
    enters, and the messages about a place, a link or the event."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    PROMOTED = "promoted"  # a place became free: from the waiting list to confirmed
    LINK = "link"  # the manage link again, for someone who registered twice
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    REMINDER = "reminder"
    CALENDAR_FEED = "calendar_feed"  # the personal feed's link, asked for on the manage page
    # The follow-up after the event: attendees get the materials, recordings, resources and evaluation; confirmed
    # no-shows another text with the recordings. Other domains key their mail sections on these values.
    FOLLOWUP_ATTENDED = "followup_attended"
    FOLLOWUP_NO_SHOW = "followup_no_show"


class QuestionKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MULTIPLE = "multiple"
    CHECKBOX = "checkbox"


class AuditAction(StrEnum):
    """What the registration side writes in the audit trail (as "registrations.<action>")."""

    EXPORT = "export"
    MOVE = "move"
    DELETE = "delete"
    PURGE = "purge"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    CHECK_IN = "check-in"
    UNDO_CHECK_IN = "undo-check-in"
    PROMOTE = "promote"
    RESEND_LINK = "resend-link"


class Registration(Table, tablename="registration_registration"):
    # No index of its own: `event` leads the UNIQUE (event, email_normalised) index, which serves lookups by event.
    event = ForeignKey(references=Event)
    name = Varchar(length=200)
    email = Varchar(length=254)
    # Trimmed and lower-cased; UNIQUE together with `event` (see the migration), so one e-mail registers once.
    email_normalised = Varchar(length=254, index=True)
    organisation = Varchar(length=200, default="")
    answers = Text(default="{}")  # {question_id: "text" | ["a", "b"] | true}
    language = Varchar(length=5, default="nl")
    status = Varchar(length=20, default="confirmed", index=True)
    # Only the SHA-256 of the manage token is stored; the token is an HMAC of `token_nonce` under the site's
    # secret key, so later mails (promotion, reminder) can carry the link while the database alone cannot.
    token_hash = Varchar(length=64, unique=True)  # UNIQUE makes its index
    token_nonce = Varchar(length=64)
    queued_at = Timestamptz(default=TimestamptzNow())  # the waiting list is ordered by this, then id
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    cancelled_at = Timestamptz(null=True, default=None)
    checked_in_at = Timestamptz(null=True, default=None)
    # The first and last use of the personal join link `/j/{token}` (not by HEAD requests or link previewers).
    first_join_at = Timestamptz(null=True, default=None)
    last_join_at = Timestamptz(null=True, default=None)
    reminder_sent_at = Timestamptz(null=True, default=None)
    # When the person behind the address confirmed this registration through a link in a mail to it (the mail's
    # manage link, or the personal feed whose key only mails carry): only such registrations join the address's
    # personal feed, never one that somebody else made with the address.
    address_confirmed_at = Timestamptz(null=True, default=None)
    link_resent_at = Timestamptz(null=True, default=None)
    anonymised_at = Timestamptz(null=True, default=None)


class Question(Table, tablename="registration_question"):
    """A question an organiser asks in the registration form of one event."""

    event = ForeignKey(references=Event, index=True)
    position = Integer(default=0)
    label = Varchar(length=300)
    kind = Varchar(length=20, default="text")  # text | choice | multiple | checkbox
    options = Text(default="")  # one option per line (choice, multiple)
    required = Boolean(default=False)


class ReminderSent(Table, tablename="registration_reminder_sent"):
    """One reminder of the schedule that went (or was passed over) for a registration, for the event's start at the
    time: a moved event gets its reminders again, re-timed; UNIQUE (registration, minutes_before, starts_at)."""

    registration = ForeignKey(references=Registration)
    minutes_before = Integer()
    starts_at = Timestamptz()  # the event's start this reminder was for
    sent_at = Timestamptz(default=TimestamptzNow())


class FollowupSent(Table, tablename="registration_followup_sent"):
    """The follow-up mail that went to a registration: once per registration (UNIQUE registration, see the
    migration), also when two workers or a worker and the organiser's "send now" race."""

    registration = ForeignKey(references=Registration)
    kind = Varchar(length=30)  # a RegistrationMailKind: followup_attended | followup_no_show
    sent_at = Timestamptz(default=TimestamptzNow())


class JoinUse(Table, tablename="registration_join_use"):
    """One use of a personal join link: when the participant went to the meeting (attendance per session)."""

    registration = ForeignKey(references=Registration, index=True)
    at = Timestamptz(index=True)
