"""The rules of live interaction, split by what users do: spaces, participants, questions, polls (and their words),
ratings, exports and retention. Callers write `from events.live import service`."""

from events.live.service import participants as _participants
from events.live.service import polls as _polls
from events.live.service import spaces as _spaces
from events.live.service.exports import export_csv, export_data
from events.live.service.participants import join, known_participant, participant_of
from events.live.service.polls import (
    create_poll,
    hide_word,
    move,
    open_poll_of,
    poll_by_id,
    poll_of,
    poll_view,
    polls_of,
    respond,
    responded_by,
    results,
)
from events.live.service.questions import (
    MODERATION,
    ask,
    moderate,
    question_view,
    questions_of,
    vote,
    vote_counts,
    votes_by,
    withdraw,
)
from events.live.service.ratings import rate, ratings_of_event
from events.live.service.retention import purge_names
from events.live.service.spaces import (
    NO_SPACE,
    create_space,
    known_space,
    may_moderate,
    set_open,
    space_by_code,
    space_by_id,
    space_for_organiser,
    space_of_session,
    spaces_of_event,
)


def forget_cached() -> None:
    """Empties the process's remembered spaces, tokens and polls (tests: each has a database whose ids restart)."""
    _participants._known.clear()  # noqa: SLF001 - the package's own modules
    _spaces._by_code.clear()  # noqa: SLF001
    _polls._facts.clear()  # noqa: SLF001


__all__ = [
    "MODERATION", "NO_SPACE", "ask", "create_poll", "create_space", "export_csv", "export_data", "forget_cached", "hide_word", "join", "known_participant", "known_space",
    "may_moderate", "moderate", "move", "open_poll_of", "participant_of", "poll_by_id", "poll_of", "poll_view", "polls_of",
    "purge_names", "question_view", "questions_of", "rate", "ratings_of_event", "responded_by", "respond", "results",
    "set_open", "space_by_code", "space_by_id", "space_for_organiser", "space_of_session", "spaces_of_event", "vote",
    "vote_counts", "votes_by", "withdraw",
]
