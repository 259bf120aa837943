"""Tables of the evaluation domain: an event's questions, its options (may no-shows answer), the answers, and
the markers that say a registration has answered.

Anonymity: an anonymous answer (`Response`) carries no link to its registration, no time and a random key (UUID),
so neither a column nor the order of ids ties it to the `Answered` marker of the same registration. The marker
(UNIQUE registration) is what makes "answered once" hold under a race: both rows go in one transaction, and the
second of two concurrent submissions fails on the marker's UNIQUE and writes nothing."""

from enum import StrEnum

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.programme.tables import Event
from events.registration.tables import Registration


class QuestionKind(StrEnum):
    SCALE = "scale"  # 1 to 5
    CHOICE = "choice"  # one of the options
    OPEN = "open"  # free text


class Question(Table, tablename="evaluation_question"):
    """One question of an event's evaluation form. `key` names it in the answers: "q<id>" for the organiser's own,
    the default's name ("overall", "usefulness", "change") for a default the organiser kept or edited."""

    event = ForeignKey(references=Event, on_delete=OnDelete.cascade)
    key = Varchar(length=40)  # UNIQUE (event, key), see the migration
    position = Integer(default=0)
    kind = Varchar(length=10, default=QuestionKind.SCALE.value)
    text_nl = Varchar(length=300)
    text_en = Varchar(length=300, default="")  # empty: the Dutch text
    options_nl = Text(default="")  # choice: one option per line
    options_en = Text(default="")
    required = Boolean(default=False)


class Form(Table, tablename="evaluation_form"):
    """An event's evaluation options. No row: the default questions, and no-shows may not answer. `customised`:
    the questions are the event's rows (the defaults were copied in at the first edit), even when none are left."""

    event = ForeignKey(references=Event, unique=True, on_delete=OnDelete.cascade)
    customised = Boolean(default=False)
    no_shows_may_answer = Boolean(default=False)


class Answered(Table, tablename="evaluation_answered"):
    """A registration answered the event's evaluation (when): UNIQUE registration, so it answers once."""

    registration = ForeignKey(references=Registration, unique=True, on_delete=OnDelete.cascade)
    event = ForeignKey(references=Event, index=True, on_delete=OnDelete.cascade)
    answered_at = Timestamptz(default=TimestamptzNow())


class Response(Table, tablename="evaluation_response"):
    """One participant's answers: {question key: 1–5 | option index | text}. Only with the participant's consent
    does it carry their registration and name."""

    id = UUID(primary_key=True)
    event = ForeignKey(references=Event, index=True, on_delete=OnDelete.cascade)
    answers = Text(default="{}")
    registration = ForeignKey(references=Registration, null=True, default=None, on_delete=OnDelete.set_null)
    name = Varchar(length=200, null=True, default=None)  # only with consent
