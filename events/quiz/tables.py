"""Tables of the quiz domain: quizzes and their questions and options, live runs, players and their answers."""

from enum import StrEnum

from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.accounts.tables import User
from events.programme.tables import Event, Session
from events.resources.tables import Resource


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"
    POLL = "poll"


class RunStatus(StrEnum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    LEADERBOARD = "leaderboard"
    FINISHED = "finished"


class Quiz(Table, tablename="quiz_quiz"):
    event = ForeignKey(references=Event, index=True)
    session = ForeignKey(references=Session, null=True, default=None, index=True)
    title = Varchar(length=200)
    accuracy_only = Boolean(default=False)  # True: a right answer earns the full points, however slow
    created_at = Timestamptz(default=TimestamptzNow())


class Question(Table, tablename="quiz_question"):
    quiz = ForeignKey(references=Quiz)
    position = Integer(default=0)
    kind = Varchar(length=20, default="single")  # single | multiple | truefalse | poll
    text = Text()
    time_limit_s = Integer(default=20)
    points = Integer(default=1000)
    learn_more_url = Text(default="")
    learn_more_title = Text(default="")
    # A resource of the platform library; wins over the URL above while it is not retired.
    resource = ForeignKey(references=Resource, null=True, default=None, index=True, on_delete=OnDelete.set_null)


class Option(Table, tablename="quiz_option"):
    question = ForeignKey(references=Question, index=True)
    position = Integer(default=0)
    text = Varchar(length=200)
    correct = Boolean(default=False)


class Run(Table, tablename="quiz_run"):
    quiz = ForeignKey(references=Quiz, index=True)
    host = ForeignKey(references=User, index=True)
    join_code = Varchar(length=8, index=True)
    # The join code while the run is open, NULL once finished: unique among active runs only (NULLs never clash).
    active_code = Varchar(length=8, null=True, default=None, unique=True)
    status = Varchar(length=20, default="lobby")  # lobby | question | reveal | leaderboard | finished
    position = Integer(default=-1)  # index of the current question in the quiz's order; -1 in the lobby
    question = ForeignKey(references=Question, null=True, default=None, index=True)
    question_started_at = Timestamptz(null=True, default=None)
    question_deadline = Timestamptz(null=True, default=None)
    # Epoch milliseconds until which answers are accepted (deadline + grace); 0 when the question is closed.
    # An answer is inserted only while this holds, in the same statement: correct whatever worker takes it.
    accepting_until_ms = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class Player(Table, tablename="quiz_player"):
    run = ForeignKey(references=Run)
    nickname = Varchar(length=40)
    nickname_key = Varchar(length=40)  # case-folded: UNIQUE (run, nickname_key) in the migration
    token_hash = Varchar(length=64, unique=True)
    removed = Boolean(default=False)
    joined_at = Timestamptz(default=TimestamptzNow())


class Answer(Table, tablename="quiz_answer"):
    run = ForeignKey(references=Run, index=True)
    question = ForeignKey(references=Question, index=True)
    player = ForeignKey(references=Player)  # UNIQUE (player, question) in the migration
    choices = Varchar(length=200, default="")  # option ids, comma-separated, ascending
    received_at = Timestamptz()
    response_ms = Integer()
    correct = Boolean(null=True, default=None)  # None for polls
    points = Integer(default=0)
