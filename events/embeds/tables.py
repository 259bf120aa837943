"""Tables of the embeds domain: where an organisation lets its pages be framed."""

from piccolo.columns import ForeignKey, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.organisations.tables import Organisation


class EmbedSettings(Table, tablename="embed_settings"):
    organisation = ForeignKey(references=Organisation, unique=True, on_delete=OnDelete.cascade)
    hosts = Text(default="")  # space-separated origins (https://www.gemeente.nl) allowed to frame the embeds
    updated_at = Timestamptz(default=TimestamptzNow())
