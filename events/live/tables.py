"""Tables of the live domain: a space per session (or event) with its participants, questions and their votes,
polls and their responses, and session ratings. Every "once per participant" rule is a UNIQUE column (`once`),
so a race or a double click is refused by the database, never by process memory."""

from enum import StrEnum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.programme.tables import Event, Session


class QuestionState(StrEnum):
    PENDING = "pending"  # waits for a moderator (pre-moderation)
    VISIBLE = "visible"
    ANSWERED = "answered"
    HIDDEN = "hidden"


class PollKind(StrEnum):
    CHOICE = "choice"
    MULTIPLE = "multiple"
    SCALE = "scale"
    WORDS = "words"


class PollState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Space(Table, tablename="live_space"):
    event = ForeignKey(references=Event, index=True, on_delete=OnDelete.cascade)
    session = ForeignKey(references=Session, null=True, default=None, index=True, on_delete=OnDelete.cascade)
    code = Varchar(length=8, unique=True)
    title = Varchar(length=200)
    is_open = Boolean(default=False)
    premoderation = Boolean(default=False)
    anonymous_allowed = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Participant(Table, tablename="live_participant"):
    space = ForeignKey(references=Space, index=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    name = Varchar(length=80, null=True, default=None)  # purged with the event's retention
    joined_at = Timestamptz(default=TimestamptzNow())


class Question(Table, tablename="live_question"):
    space = ForeignKey(references=Space, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    text = Varchar(length=280)
    asker_name = Varchar(length=80, null=True, default=None)  # purged with the event's retention
    state = Varchar(length=10, default=QuestionState.VISIBLE.value)
    pinned = Boolean(default=False)
    asked_at = Timestamptz(default=TimestamptzNow())
    answered_at = Timestamptz(null=True, default=None)


class Vote(Table, tablename="live_vote"):
    question = ForeignKey(references=Question, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    once = Varchar(length=40, unique=True)  # "<question>:<participant>": one vote per token and question


class Poll(Table, tablename="live_poll"):
    space = ForeignKey(references=Space, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=10)
    question = Varchar(length=280)
    options = JSON(default=[])  # choice/multiple: the option texts; scale: [1, max]; words: []
    state = Varchar(length=10, default=PollState.DRAFT.value)
    revealed = Boolean(default=True)  # False: results only for moderators until revealed
    hidden_words = JSON(default=[])
    # The open poll of the space, NULL otherwise: UNIQUE, so two polls of one space can never be open together.
    open_in = Integer(null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Response(Table, tablename="live_response"):
    poll = ForeignKey(references=Poll, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    once = Varchar(length=40, unique=True)  # "<poll>:<participant>"
    answer = JSON(default=[])  # option indexes, the scale value, or the normalised words
    answered_at = Timestamptz(default=TimestamptzNow())


class Rating(Table, tablename="live_rating"):
    space = ForeignKey(references=Space, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    once = Varchar(length=40, unique=True)  # "<space>:<participant>"
    stars = Integer()
    comment = Text(default="")
    rated_at = Timestamptz(default=TimestamptzNow())
