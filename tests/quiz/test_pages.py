"""Organiser authoring, export/import, results and CSV, the host page and the player's join form (HTTP)."""

from __future__ import annotations

import csv
import io

from events.quiz import service
from events.quiz.tables import Player, Question, Quiz
from tests.conftest import NOW, get_csrf, login, post_form
from tests.quiz.conftest import make_event


async def test_organiser_builds_a_quiz_through_the_forms(organiser_client, event, engine):
    base = f"/organiser/events/{event['slug']}/quizzes"
    page = await organiser_client.get(base)
    assert page.status_code == 200 and "Nieuwe quiz" in page.text
    response = await post_form(organiser_client, base, {"title": "Weerbaarheidsquiz"})
    assert response.status_code == 303
    quiz_url = response.headers["location"]
    quiz_id = int(quiz_url.rsplit("/", 1)[1])
    bad = await post_form(organiser_client, f"{quiz_url}/questions", {"kind": "single", "text": "Wat?", "option_1": "A", "option_2": "B"})
    assert bad.status_code == 400 and "Markeer precies één optie als goed" in bad.text and 'id="error-summary"' in bad.text
    assert await Question.count().where(Question.quiz == quiz_id) == 0  # nothing half-written
    good = await post_form(
        organiser_client,
        f"{quiz_url}/questions",
        {"kind": "single", "text": "Wat is BCM?", "time_limit_s": "15", "points": "800",
         "option_1": "Bedrijfscontinuïteit", "correct_1": "on", "option_2": "Een merk"},
    )
    assert good.status_code == 303
    tf = await post_form(organiser_client, f"{quiz_url}/questions", {"kind": "truefalse", "text": "Phishing is ongevaarlijk", "truefalse": "false"})
    assert tf.status_code == 303
    questions = await service.questions_of(quiz_id)
    assert [(q.kind, q.time_limit_s, q.points) for q in questions] == [("single", 15, 800), ("truefalse", 20, 1000)]
    assert [(o.text, o.correct) for o in questions[1].options] == [("Waar", False), ("Niet waar", True)]
    moved = await post_form(organiser_client, f"{quiz_url}/questions/{questions[1].id}/move", {"direction": "up"})
    assert moved.status_code == 303
    assert [q.kind for q in await service.questions_of(quiz_id)] == ["truefalse", "single"]
    page = await organiser_client.get(quiz_url)
    assert "Wat is BCM?" in page.text and "Start een live ronde" in page.text
    opened = await post_form(organiser_client, f"{quiz_url}/runs", {})
    assert opened.status_code == 303 and opened.headers["location"].endswith("/host")
    host = await organiser_client.get(opened.headers["location"])
    run = (await service.runs_of_quiz(quiz_id))[0]
    assert host.status_code == 200 and run.join_code in host.text and "<script>" not in host.text
    qr = await organiser_client.get(opened.headers["location"].replace("/host", "/qr.svg"))
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml") and b"<svg" in qr.content


async def test_other_organiser_and_anonymous_are_kept_out(client, other_organiser, organiser, quiz, event, engine):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    paths = [
        f"/organiser/events/{event['slug']}/quizzes",
        f"/organiser/events/{event['slug']}/quizzes/{quiz.id}",
        f"/organiser/events/{event['slug']}/quizzes/{quiz.id}/export.json",
        f"/organiser/quiz-runs/{run.id}/host",
        f"/organiser/quiz-runs/{run.id}/results",
        f"/organiser/quiz-runs/{run.id}/results.csv",
    ]
    for path in paths:
        assert (await client.get(path)).status_code in (302, 303), path  # to the login page
    await login(client, other_organiser.email)
    for path in paths:
        assert (await client.get(path)).status_code == 404, path
    token = await get_csrf(client)
    for action in ("next", "reveal", "leaderboard", "end"):
        response = await client.post(f"/api/quiz/runs/{run.id}/{action}", headers={"x-csrftoken": token})
        assert response.status_code == 404, action
    assert (await service.run_by_id(run.id)).status == "lobby"


async def test_export_and_import_round_trip(organiser_client, organiser_token, client, quiz, event, organiser, engine):
    exported = await organiser_client.get(f"/api/events/{event['slug']}/quizzes/{quiz.id}/export")
    assert exported.status_code == 200
    data = exported.json()
    assert data["format"] == "events-quiz/1" and len(data["questions"]) == 3
    assert data["questions"][0]["options"][1] == {"text": "Personele beveiliging", "correct": True}
    assert data["questions"][0]["learn_more_url"] == "https://example.org/personele-beveiliging"
    assert "id" not in str(data["questions"][0].keys())
    other_event = await make_event(organiser.id, slug="webinar-integrale-veiligheid")
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    created = await client.post(f"/api/events/{other_event['slug']}/quizzes/import", json=data, headers=bearer)
    assert created.status_code == 201
    copy = await service.questions_of(created.json()["id"])
    assert [(q.kind, q.text, [(o.text, o.correct) for o in q.options]) for q in copy] == [
        (q["kind"], q["text"], [(o["text"], o["correct"]) for o in q["options"]]) for q in data["questions"]
    ]
    data["questions"][1]["options"] = [{"text": "Alleen", "correct": True}]
    before = await Quiz.count()
    refused = await client.post(f"/api/events/{other_event['slug']}/quizzes/import", json=data, headers=bearer)
    assert refused.status_code == 400 and refused.json()["extra"][0]["message"].startswith("2: ")
    assert await Quiz.count() == before  # all or nothing
    html = await organiser_client.get(f"/organiser/events/{event['slug']}/quizzes/{quiz.id}/export.json")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]


async def test_results_page_and_csv_export(organiser_client, quiz, organiser, engine, clock):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    anna = await service.join_run(run.join_code, "Anna", NOW)
    bram = await service.join_run(run.join_code, "=cmd|' /C calc'!A0", NOW)  # a nickname that is a formula
    questions = await service.questions_of(quiz.id)
    await service.start_next_question(engine, run.id, clock.now())
    clock.advance(seconds=5)
    await service.submit_answer(run.id, anna.player_id, questions[0].id, [questions[0].options[1].id], clock.now())
    clock.advance(seconds=1)
    await service.submit_answer(run.id, bram.player_id, questions[0].id, [questions[0].options[0].id], clock.now())
    await service.reveal(engine, run.id)
    await service.finish_run(engine, run.id, clock.now())
    page = await organiser_client.get(f"/organiser/quiz-runs/{run.id}/results")
    assert page.status_code == 200 and "Anna" in page.text and "875" in page.text
    response = await organiser_client.get(f"/organiser/quiz-runs/{run.id}/results.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["rank", "nickname", "score", "correct_answers", "answers", "total_response_ms", "q1_response_ms"]
    assert rows[1] == ["1", "Anna", "875", "1", "1", "5000", "5000"]
    assert rows[2] == ["2", "'=cmd|' /C calc'!A0", "0", "0", "1", "6000", "6000"]
    distribution = rows[rows.index(["question", "question_text", "option", "correct", "count"]) + 1:]
    assert [r[2:] for r in distribution] == [["Fysieke beveiliging", "no", "1"], ["Personele beveiliging", "yes", "1"], ["Continuïteit", "no", "0"]]
    api = await organiser_client.get(f"/api/quiz/runs/{run.id}/results")
    assert api.json()["standings"][0] == {"rank": 1, "nickname": "Anna", "score": 875, "correct_answers": 1, "total_response_ms": 5000, "response_ms": [5000]}


async def test_player_joins_with_the_form_without_javascript(client, quiz, organiser, engine):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    page = await client.get(f"/quiz?code={run.join_code}")
    assert page.status_code == 200 and f'value="{run.join_code}"' in page.text and 'for="field-nickname"' in page.text
    joined = await post_form(client, "/quiz", {"code": run.join_code, "nickname": "Anna"})
    assert joined.status_code == 201 and 'data-token="' in joined.text and joined.headers["cache-control"] == "no-store"
    taken = await post_form(client, "/quiz", {"code": run.join_code, "nickname": "anna"})
    assert taken.status_code == 409 and "Deze schuilnaam is al in gebruik" in taken.text and 'aria-invalid="true"' in taken.text
    wrong = await post_form(client, "/quiz", {"code": "12", "nickname": "Bram"})
    assert wrong.status_code == 404 and "Er is geen open quiz met deze code" in wrong.text
    no_csrf = await client.post("/quiz", data={"code": run.join_code, "nickname": "Cas"})
    assert no_csrf.status_code == 403


async def test_public_pages_and_join_answers_leak_nothing(client, quiz, organiser, event, engine):
    run = await service.open_run(quiz.id, organiser.id, NOW)
    response = await client.post("/api/quiz/join", json={"code": run.join_code, "nickname": "<b>Anna</b>"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"player_token", "player_id", "run_id", "nickname", "socket_url"}
    assert "set-cookie" not in response.headers  # no server-side session is written for a player
    assert event["join_url"] not in response.text
    stored = await Player.select().where(Player.id == body["player_id"]).first()
    assert stored["token_hash"] != body["player_token"] and len(stored["token_hash"]) == 64


async def test_quizzes_panel_on_the_organiser_event_page(organiser_client, quiz, event):
    page = await organiser_client.get(f"/organiser/events/{event['slug']}")
    assert page.status_code == 200
    assert f'href="/organiser/events/{event["slug"]}/quizzes/{quiz.id}"' in page.text and "Quizzen beheren" in page.text
