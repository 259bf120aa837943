"""Drops the own index of series_series.slug, series_subscriber.series, series_event.series, series_subscriber_token.token_hash, series_notice.subscriber: each repeated another index of its table (`kernel.schema`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Varchar

from events.kernel.schema import drop_own_indexes

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop repeated series indexes"
REPEATED = (
    ("Series", "series_series", "slug", Varchar),
    ("Subscriber", "series_subscriber", "series", ForeignKey),
    ("SeriesEvent", "series_event", "series", ForeignKey),
    ("SubscriberToken", "series_subscriber_token", "token_hash", Varchar),
    ("SeriesNotice", "series_notice", "subscriber", ForeignKey),
)


async def forwards():
    return drop_own_indexes(MigrationManager(migration_id=ID, app_name="series", description=DESCRIPTION), REPEATED)
