"""Tables of the accounts domain: users (organisers, speakers, admins) and their secrets, stored only as hashes."""

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Role(StrEnum):
    """A user's platform role (organisations' roles are their members')."""

    ORGANISER = "organiser"
    SPEAKER = "speaker"
    ADMIN = "admin"


class User(Table, tablename="account_user"):
    email = Varchar(length=254, unique=True)  # stored lower-cased
    name = Varchar(length=200, default="")
    role = Varchar(length=20, default="organiser")  # organiser | speaker | admin
    password_hash = Text(null=True, default=None)
    organisation = Varchar(length=200, default="")
    bio = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ApiToken(Table, tablename="account_api_token"):
    user = ForeignKey(references=User, index=True)
    token_hash = Varchar(length=64, unique=True)
    label = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class PersonalLink(Table, tablename="account_personal_link"):
    """A password-less sign-in link (speakers): the token travels in the URL, only its hash is kept."""

    user = ForeignKey(references=User, index=True)
    token_hash = Varchar(length=64, unique=True)
    # The organisation (its id: accounts knows no organisations) whose organiser issued the link: the session it
    # opens reaches only that organisation's sessions. NULL only for links older than organisations.
    organisation = Integer(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
