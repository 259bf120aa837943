"""The retention purge beyond registrations: quiz nicknames and the addresses and sign-in links of speakers who
speak at no later event go; the archived programme keeps the names it published, the results their scores."""

from __future__ import annotations

from datetime import timedelta

from events.accounts import service as accounts
from events.accounts.tables import PersonalLink, User
from events.programme import service as programme
from events.programme.tables import Session, SessionSpeaker
from events.quiz import service as quiz
from events.quiz.tables import Player
from tests.conftest import NOW
from tests.ical.checks import make_event


async def speaker_on(event, email: str, name: str) -> int:
    """Puts the speaker (new or existing) on a new session of the event, with a personal link."""
    session = Session(event=event["id"], title="Sessie", starts_at=event["starts_at"], ends_at=event["ends_at"])
    await session.save()
    user, _ = await accounts.get_or_create_speaker(email, name)
    await SessionSpeaker(session=session.id, speaker=user.id).save()
    await accounts.create_personal_link(user.id, NOW)
    return user.id


async def quiz_run_with_question(event, organiser):
    quiz_id = await quiz.create_quiz(event["id"], "Quiz")
    quiz_row, _ = await quiz.quiz_for_organiser(quiz_id, organiser)
    await quiz.save_question(Player._meta.db, quiz_row, quiz.QuestionInput(
        text="Wat is weerbaarheid?", kind="single", options=[("Veerkracht", True), ("Kwetsbaarheid", False)]))
    return await quiz.open_run(quiz_id, organiser.id, NOW)


async def test_purge_forgets_speakers_of_past_events_only(organiser):
    old = await make_event(organiser, slug="oud", starts_at=NOW - timedelta(days=400), ends_at=NOW - timedelta(days=399))
    recent = await make_event(organiser, slug="nieuw", starts_at=NOW + timedelta(days=10), ends_at=NOW + timedelta(days=11))
    gone = await speaker_on(old, "oud@universiteit.nl", "Oud Spreker")
    both = await speaker_on(old, "beide@universiteit.nl", "Beide Spreker")
    assert await speaker_on(recent, "beide@universiteit.nl", "Beide Spreker") == both  # and speaks again soon

    assert await programme.forget_past_speakers(NOW, 365) == 1
    row = await User.select().where(User.id == gone).first()
    assert row["email"] == f"forgotten-{gone}@forgotten.invalid" and not row["active"]
    assert row["name"] == "Oud Spreker"  # the archived programme still shows who spoke
    assert await PersonalLink.count().where(PersonalLink.user == gone) == 0
    assert (await User.select().where(User.id == both).first())["email"] == "beide@universiteit.nl"
    assert await PersonalLink.count().where(PersonalLink.user == both) == 2
    assert await accounts.user_by_email("oud@universiteit.nl") is None
    assert await programme.forget_past_speakers(NOW, 365) == 0  # once


async def test_purge_forgets_quiz_nicknames_and_keeps_scores(organiser):
    old = await make_event(organiser, slug="oud", starts_at=NOW - timedelta(days=400), ends_at=NOW - timedelta(days=399))
    recent = await make_event(organiser, slug="nieuw", starts_at=NOW + timedelta(days=10), ends_at=NOW + timedelta(days=11))
    names = {}
    for event in (old, recent):
        run = await quiz_run_with_question(event, organiser)
        names[event["slug"]] = [(await quiz.join_run(run.join_code, nick, NOW)).player_id for nick in ("Kees", "Mies")]
    assert await quiz.forget_past_players(NOW, 365) == 2
    forgotten = await Player.select().where(Player.id.is_in(names["oud"])).order_by(Player.id)
    assert [p["nickname"] for p in forgotten] == ["Speler 1", "Speler 2"]
    assert all(p["token_hash"].startswith("forgotten-") for p in forgotten)
    kept = await Player.select(Player.nickname).where(Player.id.is_in(names["nieuw"])).order_by(Player.id)
    assert [p["nickname"] for p in kept] == ["Kees", "Mies"]
    assert await quiz.forget_past_players(NOW, 365) == 0
