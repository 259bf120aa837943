"""Tables of the series domain: an organisation's series of events, the events in them, and the people who asked
to hear when the next one opens (with the tokens of their links and the notices they got)."""

from enum import StrEnum

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.organisations.tables import Organisation
from events.programme.tables import Event


class TokenPurpose(StrEnum):
    CONFIRM = "confirm"  # the double opt-in link of the confirmation mail
    UNSUBSCRIBE = "unsubscribe"  # the unsubscribe link (and List-Unsubscribe header) of every mail


class SeriesMailKind(StrEnum):
    CONFIRM = "series_confirm"
    NOTICE = "series_notice"


class Series(Table, tablename="series_series"):
    organisation = ForeignKey(references=Organisation, index=True, on_delete=OnDelete.cascade)
    slug = Varchar(length=120, unique=True)
    name = Varchar(length=200)
    description = Text(default="")  # markdown, rendered and sanitised on output
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SeriesEvent(Table, tablename="series_event"):
    """An event in a series: UNIQUE (series, event) in the migration; an event may be in several series."""

    series = ForeignKey(references=Series, on_delete=OnDelete.cascade)
    event = ForeignKey(references=Event, index=True, on_delete=OnDelete.cascade)
    added_at = Timestamptz(default=TimestamptzNow())


class Subscriber(Table, tablename="series_subscriber"):
    """Someone who asked for a notice when a new event of the series opens: UNIQUE (series, email) in the
    migration. Not confirmed (`confirmed_at` empty) until the link of the confirmation mail is used; unconfirmed
    rows go after a few days (series.service.subscriptions.CONFIRM_DAYS), an unsubscribe deletes the row."""

    series = ForeignKey(references=Series, on_delete=OnDelete.cascade)
    email = Varchar(length=254)
    language = Varchar(length=5, default="nl")
    confirmed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SubscriberToken(Table, tablename="series_subscriber_token"):
    """A link's token, kept only as its SHA-256 hash; every mail gets an unsubscribe token of its own."""

    subscriber = ForeignKey(references=Subscriber, index=True, on_delete=OnDelete.cascade)
    purpose = Varchar(length=20)  # a TokenPurpose
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class SeriesNotice(Table, tablename="series_notice"):
    """That a subscriber was told about an event: UNIQUE (subscriber, event) in the migration, so each confirmed
    subscriber hears of each new event once, however often it is published again."""

    subscriber = ForeignKey(references=Subscriber, on_delete=OnDelete.cascade)
    event = ForeignKey(references=Event, index=True, on_delete=OnDelete.cascade)
    sent_at = Timestamptz(default=TimestamptzNow())
