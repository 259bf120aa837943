"""The rules of series; callers write `from events.series import service`.

- `catalogue`: series of an organisation, the events in them, what the public and organisers read of them;
- `subscriptions`: "tell me when the next one opens": double opt-in, notices of new events, unsubscribing.
"""

from events.series.service.catalogue import (
    MAX_PER_PAGE,
    NO_SERIES,
    add_event,
    all_events_of,
    clean_series,
    counts_of,
    create_series,
    delete_series,
    event_for_series,
    public_series,
    published_events_of,
    remove_event,
    series_by_id,
    series_for_organiser,
    series_of_event,
    series_of_organiser,
    update_series,
)
from events.series.service.subscriptions import (
    CONFIRM_DAYS,
    NotifyOnPublish,
    confirm,
    notify_subscribers,
    pending_confirmation,
    purge_unconfirmed,
    subscribe,
    subscription_for_unsubscribe,
    unsubscribe,
)

__all__ = [
    "CONFIRM_DAYS", "MAX_PER_PAGE", "NO_SERIES", "NotifyOnPublish", "add_event", "all_events_of", "clean_series",
    "confirm", "counts_of", "create_series", "delete_series", "event_for_series", "notify_subscribers",
    "pending_confirmation", "public_series", "published_events_of", "purge_unconfirmed", "remove_event",
    "series_by_id", "series_for_organiser", "series_of_event", "series_of_organiser", "subscribe",
    "subscription_for_unsubscribe", "unsubscribe", "update_series",
]
