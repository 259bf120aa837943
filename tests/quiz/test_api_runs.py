"""What an independent client found (issue 19): opening a run through the API, `choices` in every welcome, players
without an answer ranked below those who answered, and the time limits in the schema."""

from __future__ import annotations

from datetime import timedelta

from events.accounts import service as accounts
from events.quiz import service
from tests.conftest import NOW
from tests.quiz.conftest import option_ids


async def test_an_organiser_opens_a_run_through_the_api(client, quiz, organiser_token, other_organiser, event):
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    opened = await client.post(f"/api/quizzes/{quiz.id}/runs", headers=bearer)
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert body["status"] == "lobby" and body["join_code"].isdigit() and body["join_url"].endswith(body["join_code"])
    assert (await service.run_by_id(body["run_id"])).active_code == body["join_code"]
    other = {"Authorization": f"Bearer {await accounts.create_api_token(other_organiser.id, label='t')}"}
    assert (await client.post(f"/api/quizzes/{quiz.id}/runs", headers=other)).status_code == 404
    empty = await service.create_quiz(event["id"], "Leeg")
    assert (await client.post(f"/api/quizzes/{empty}/runs", headers=bearer)).status_code == 400


async def test_a_player_without_an_answer_ranks_below_one_who_answered_wrongly(engine, clock, quiz, organiser):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    silent = await service.join_run(run.join_code, "Stil", NOW)  # joined first: the old tie-break favoured them
    wrong = await service.join_run(run.join_code, "Fout", NOW)
    options = await option_ids(quiz.id)
    question = (await service.questions_of(quiz.id))[0]
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=4)
    assert (await service.submit_answer(run.id, wrong.player_id, question.id, [options[0][0]], clock.now())).accepted
    board = await service.standings(run.id)
    assert [(r.nickname, r.score, r.answers) for r in board] == [("Fout", 0, 1), ("Stil", 0, 0)]
    assert silent.player_id < wrong.player_id


async def test_the_lobby_welcome_has_choices(engine, clock, quiz, organiser):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    joined = await service.join_run(run.join_code, "Anna", NOW)
    player = await service.player_by_token(joined.token)
    message = (await service.player_view(player, clock.now())).message()
    assert message["status"] == "lobby" and message["choices"] == []


async def test_the_schema_says_time_limits_run_from_5_to_300_seconds(client):
    schema = (await client.get("/schema/openapi.json")).json()
    question = schema["components"]["schemas"]["ExportQuestion"]["properties"]["time_limit_s"]
    assert (question["minimum"], question["maximum"]) == (5, 300)


async def test_standings_order_by_score_then_time_then_answering_then_joining(engine, clock, quiz, organiser):
    """The board in one query (scores summed by the database): every tie-break, removed players left out."""
    run = await service.open_run(quiz.id, organiser.id, NOW)
    names = ("Traag", "Snel", "Fout", "Stil", "Weg", "Gelijk")
    players = {name: await service.join_run(run.join_code, name, NOW) for name in names}
    options = await option_ids(quiz.id)
    question = (await service.questions_of(quiz.id))[0]
    await service.start_next_question(engine, run.id, clock.now())
    started = clock.now()
    for name, seconds, choice in (("Snel", 2, 1), ("Weg", 1, 1), ("Traag", 8, 1), ("Gelijk", 8, 1), ("Fout", 3, 0)):
        moment = started + timedelta(seconds=seconds)
        assert (await service.submit_answer(run.id, players[name].player_id, question.id, [options[0][choice]], moment)).accepted
    assert await service.remove_player(run.id, players["Weg"].player_id)
    board = await service.standings(run.id)
    assert [(r.rank, r.nickname, r.answers, r.correct) for r in board] == [
        (1, "Snel", 1, 1), (2, "Traag", 1, 1), (3, "Gelijk", 1, 1), (4, "Fout", 1, 0), (5, "Stil", 0, 0),
    ]  # Traag and Gelijk tie on points and time: who joined first goes first
    assert board[0].score > board[1].score == board[2].score > board[3].score == board[4].score == 0
    assert board[1].total_response_ms == board[2].total_response_ms == 8000
    assert await service.run_board(run.id, 2) == {
        "top": [{"rank": 1, "nickname": "Snel", "score": board[0].score}, {"rank": 2, "nickname": "Traag", "score": board[1].score}],
        "ranks": {str(r.player_id): [r.rank, r.score] for r in board}, "players": 5,
    }  # the host's board from the same query, without a Standing per player
