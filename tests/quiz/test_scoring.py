"""Scoring, the server's deadline, one answer per question, standings and reconnect state (service level)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from piccolo.engine.sqlite import SQLiteEngine

from events.kernel import statement_writer
from events.kernel.database import UNIQUE_VIOLATIONS
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.quiz import service
from events.quiz.service import GRACE_MS, answers, players, score_answer
from events.quiz.tables import Answer, Player
from tests.conftest import NOW
from tests.quiz.conftest import option_ids


def test_score_formula_follows_kahoot():
    assert score_answer(True, 0, 20, 1000) == 1000
    assert score_answer(True, 10_000, 20, 1000) == 750  # half the time: 1 - 0.25
    assert score_answer(True, 20_000, 20, 1000) == 500
    assert score_answer(True, 25_000, 20, 1000) == 500  # grace answers are capped at the limit
    assert score_answer(True, 1_000, 20, 1000) == 975
    assert score_answer(True, 3_000, 20, 999) == 924  # round((1 - 0.075) × 999) = round(924.075)
    assert score_answer(True, 5_000, 10, 3) == 2  # 2.25 → 2
    assert score_answer(True, 1, 2, 3) == 3  # half-up, not banker's rounding: 2.99925 → 3
    assert score_answer(False, 0, 20, 1000) == 0
    assert score_answer(True, 19_000, 20, 1000, accuracy_only=True) == 1000


async def _run_with_players(quiz, organiser, *nicknames):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    players = [await service.join_run(run.join_code, n, NOW) for n in nicknames]
    return run, players


async def test_answers_scored_on_server_time_and_tie_broken_by_response_time(engine, clock, quiz, organiser):
    run, (anna, bram, cas) = await _run_with_players(quiz, organiser, "Anna", "Bram", "Cas")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=2)
    assert (await service.submit_answer(run.id, anna.player_id, qids[0], [options[0][1]], clock.now())).accepted
    clock.advance(seconds=3)
    result = await service.submit_answer(run.id, bram.player_id, qids[0], [options[0][0]], clock.now())
    assert result.accepted and result.response_ms == 5000
    await service.reveal(engine, run.id)
    await service.show_leaderboard(engine, run.id)
    # question 2 (multiple choice): Bram answers all and only the right ones fast, Anna only one of them.
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=3)
    assert (await service.submit_answer(run.id, bram.player_id, qids[1], [options[1][0], options[1][1]], clock.now())).accepted
    assert (await service.submit_answer(run.id, anna.player_id, qids[1], [options[1][0]], clock.now())).accepted
    message = await service.reveal(engine, run.id)
    assert message["correct"] == [options[1][0], options[1][1]]
    assert [d["count"] for d in message["distribution"]] == [2, 1, 0]
    board = await service.standings(run.id)
    # Anna: round((1 - (2/20)/2) × 1000) = 950; Bram: 0 + round((1 - (3/30)/2) × 500) = 475
    assert [(r.nickname, r.score, r.correct) for r in board] == [("Anna", 950, 1), ("Bram", 475, 1), ("Cas", 0, 0)]


async def test_equal_scores_rank_the_faster_player_first(engine, clock, organiser, event):
    from tests.quiz.conftest import make_quiz

    quiz = await make_quiz(engine, event, accuracy_only=True)
    run, (slow, fast) = await _run_with_players(quiz, organiser, "Langzaam", "Snel")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=4)
    await service.submit_answer(run.id, fast.player_id, qids[0], [options[0][1]], clock.now())
    clock.advance(seconds=4)
    await service.submit_answer(run.id, slow.player_id, qids[0], [options[0][1]], clock.now())
    board = await service.standings(run.id)
    assert [(r.nickname, r.score, r.total_response_ms) for r in board] == [("Snel", 1000, 4000), ("Langzaam", 1000, 8000)]


async def test_answer_after_deadline_and_grace_is_refused(engine, clock, quiz, organiser):
    run, (anna, bram) = await _run_with_players(quiz, organiser, "Anna", "Bram")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=20, milliseconds=GRACE_MS)  # exactly at the end of the grace: still taken, half points
    in_grace = await service.submit_answer(run.id, anna.player_id, qids[0], [options[0][1]], clock.now())
    assert in_grace.accepted
    clock.advance(milliseconds=1)
    late = await service.submit_answer(run.id, bram.player_id, qids[0], [options[0][1]], clock.now())
    assert not late.accepted and late.reason == "too_late"
    assert await Answer.count().where(Answer.player == bram.player_id) == 0
    board = {r.nickname: r.score for r in await service.standings(run.id)}
    assert board == {"Anna": 500, "Bram": 0}


async def test_answer_after_reveal_is_refused_even_before_deadline(engine, clock, quiz, organiser):
    run, (anna,) = await _run_with_players(quiz, organiser, "Anna")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    await service.reveal(engine, run.id)
    result = await service.submit_answer(run.id, anna.player_id, qids[0], [options[0][1]], clock.now())
    assert not result.accepted and result.reason == "closed"


async def test_second_answer_is_refused_by_the_database(engine, clock, quiz, organiser):
    run, (anna,) = await _run_with_players(quiz, organiser, "Anna")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    assert (await service.submit_answer(run.id, anna.player_id, qids[0], [options[0][0]], clock.now())).accepted
    second = await service.submit_answer(run.id, anna.player_id, qids[0], [options[0][1]], clock.now())
    assert not second.accepted and second.reason == "already_answered"
    rows = await Answer.select().where(Answer.player == anna.player_id)
    assert len(rows) == 1 and rows[0]["correct"] is False and rows[0]["received_at"] == NOW
    # and the constraint itself, bypassing the service's statement
    with pytest.raises(UNIQUE_VIOLATIONS):
        await Answer.insert(
            Answer(run=run.id, question=options and rows[0]["question"], player=anna.player_id, choices="1",
                           received_at=NOW, response_ms=1, points=0)
        )


async def test_the_first_answers_of_a_question_share_one_read_of_its_facts(engine, clock, quiz, organiser, monkeypatch):
    nicknames = [f"Speler {i}" for i in range(12)]
    run, players = await _run_with_players(quiz, organiser, *nicknames)
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    reads = []
    real_read = answers._read_question_facts

    async def counting_read(*args):
        reads.append(args)
        return await real_read(*args)

    monkeypatch.setattr(answers, "_read_question_facts", counting_read)
    assert (await service.submit_answer(run.id, players[0].player_id, qids[0], [options[0][1]], clock.now())).reason == "closed"
    await service.start_next_question(engine, run.id, clock.now())  # "closed" was not remembered
    results = await asyncio.gather(
        *(service.submit_answer(run.id, p.player_id, qids[0], [options[0][1]], clock.now()) for p in players)
    )
    assert all(r.accepted for r in results)
    assert reads == [(run.id, qids[0])] * 2  # once before the start, once for the twelve answers together


async def test_sqlite_answers_that_arrive_together_share_one_transaction(engine, clock, quiz, organiser, monkeypatch):
    if not isinstance(engine, SQLiteEngine):
        pytest.skip("the answer writer is SQLite's (PostgreSQL takes concurrent INSERTs as they come)")
    run, players = await _run_with_players(quiz, organiser, *(f"Speler {i}" for i in range(20)))
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    transactions = []
    real_transaction = statement_writer.StatementWriter._transaction
    monkeypatch.setattr(statement_writer.StatementWriter, "_transaction",
                        lambda writer, batch: transactions.append(len(batch)) or real_transaction(writer, batch))
    answers = [service.submit_answer(run.id, p.player_id, qids[0], [options[0][1]], clock.now()) for p in players]
    answers.append(service.submit_answer(run.id, players[0].player_id, qids[0], [options[0][0]], clock.now()))
    results = await asyncio.gather(*answers)
    assert [r.accepted for r in results] == [True] * 20 + [False] and results[-1].reason == "already_answered"
    assert sum(transactions) == 21 and len(transactions) <= 3  # not 21 lock round trips
    assert await Answer.count().where(Answer.question == qids[0]) == 20


async def test_sqlite_writer_keeps_a_failing_statement_from_sinking_its_batch(engine, clock, quiz, organiser):
    if not isinstance(engine, SQLiteEngine):
        pytest.skip("the statement writer is SQLite's")
    run, (anna, bram) = await _run_with_players(quiz, organiser, "Anna", "Bram")
    options = await option_ids(quiz.id)
    qid = (await service.questions_of(quiz.id))[0].id
    await service.start_next_question(engine, run.id, clock.now())
    writer = statement_writer._writer_for(engine)
    insert = answers._INSERT_ANSWER.replace("{}", "?")

    def values(player_id, choices):
        return (run.id, qid, player_id, choices, NOW, 10, True, 990, run.id, qid, 0, player_id, run.id, False)

    good, broken, second, taken = await asyncio.gather(
        writer.execute(insert, values(anna.player_id, str(options[0][1]))),
        writer.execute(insert, values(bram.player_id, {"not": "bindable"})),  # an error, not a refusal
        writer.execute(insert, values(anna.player_id, str(options[0][0]))),  # Anna's second answer: no row
        writer.execute(players._JOIN.replace("{}", "?"), ("anna", "anna", "0" * 64, NOW, False, run.join_code)),
        return_exceptions=True,
    )
    assert len(good) == 1 and second == [] and isinstance(broken, sqlite3.Error)
    assert isinstance(taken, sqlite3.IntegrityError)  # the nickname is Anna's
    assert [r["player"] for r in await Answer.select(Answer.player)] == [anna.player_id]


async def test_simultaneous_joins_with_one_nickname_let_exactly_one_in(engine, clock, quiz, organiser):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    nicknames = ["Anna", "anna ", "ANNA", "Bram", "Cas", "Daan", "Eva", "Fleur"]
    results = await asyncio.gather(*(service.join_run(run.join_code, n, NOW) for n in nicknames), return_exceptions=True)
    taken = [r for r in results if isinstance(r, Conflict)]
    joined = [r for r in results if isinstance(r, service.JoinedPlayer)]
    assert len(taken) == 2 and len(joined) == 6, results
    assert sorted(p["nickname_key"] for p in await Player.select(Player.nickname_key)) == [
        "anna", "bram", "cas", "daan", "eva", "fleur"
    ]
    assert all(r.run_id == run.id for r in joined) and len({r.player_id for r in joined}) == 6
    with pytest.raises(NotFound):
        await service.join_run("000000", "Gijs", NOW)


async def test_invalid_choices_and_other_questions_are_refused(engine, clock, quiz, organiser):
    run, (anna,) = await _run_with_players(quiz, organiser, "Anna")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    assert (await service.submit_answer(run.id, anna.player_id, qids[0], [options[1][0]], clock.now())).reason == "invalid"
    assert (await service.submit_answer(run.id, anna.player_id, qids[0], options[0][:2], clock.now())).reason == "invalid"
    assert (await service.submit_answer(run.id, anna.player_id, qids[1], [options[1][0]], clock.now())).reason == "closed"


async def test_reconnect_view_keeps_score_and_hides_open_question_points(engine, clock, quiz, organiser):
    run, (anna,) = await _run_with_players(quiz, organiser, "Anna")
    options = await option_ids(quiz.id)
    qids = [q.id for q in await service.questions_of(quiz.id)]
    await service.start_next_question(engine, run.id, clock.now())
    await service.submit_answer(run.id, anna.player_id, qids[0], [options[0][1]], clock.now())
    await service.reveal(engine, run.id)
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=3)
    await service.submit_answer(run.id, anna.player_id, qids[1], [options[1][0], options[1][1]], clock.now())
    player = await service.player_by_token(anna.token)
    view = await service.player_view(player, clock.now())
    assert view.nickname == "Anna" and view.score == 1000  # question 2's points stay hidden until the reveal
    assert view.status == "question" and view.answered and view.question["remaining_ms"] == 27000
    assert "correct" not in str(view.question)
    await service.reveal(engine, run.id)
    assert (await service.player_view(player, clock.now())).score == 1000 + 475


async def test_nicknames_are_unique_per_run_and_limited(engine, clock, quiz, organiser):
    run, _ = await _run_with_players(quiz, organiser, "Anna")
    with pytest.raises(Conflict):
        await service.join_run(run.join_code, "  anna ", NOW)
    with pytest.raises(RuleViolation):
        await service.join_run(run.join_code, "x" * 21, NOW)
    with pytest.raises(RuleViolation):
        await service.join_run(run.join_code, "   ", NOW)
    with pytest.raises(NotFound):
        await service.join_run("000000" if run.join_code != "000000" else "111111", "Bram", NOW)
    other = await service.open_run(quiz.id, organiser.id, NOW)
    assert (await service.join_run(other.join_code, "Anna", NOW)).run_id == other.id


async def test_finished_run_frees_its_code_and_refuses_joins(engine, clock, quiz, organiser):
    run, _ = await _run_with_players(quiz, organiser, "Anna")
    await service.finish_run(engine, run.id, clock.now())
    with pytest.raises(NotFound):
        await service.join_run(run.join_code, "Bram", NOW)
    with pytest.raises(Conflict):
        await service.start_next_question(engine, run.id, clock.now())


async def test_host_steps_follow_the_order(engine, clock, quiz, organiser):
    run, _ = await _run_with_players(quiz, organiser, "Anna")
    with pytest.raises(Conflict):
        await service.reveal(engine, run.id)
    for _ in range(3):
        await service.start_next_question(engine, run.id, clock.now())
        await service.reveal(engine, run.id)
    with pytest.raises(Conflict):
        await service.start_next_question(engine, run.id, clock.now())  # no fourth question
