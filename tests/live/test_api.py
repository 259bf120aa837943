"""The live API through Litestar's app: spaces, questions and votes, moderation, polls, ratings, exports, scoping."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

from events.accounts import service as accounts
from events.demo import load_demo
from events.live import service
from events.live.tables import Space, Vote
from tests.conftest import NOW
from tests.live.conftest import join, sessions_of, token_header


async def test_organiser_makes_opens_and_lists_spaces(client, event, bearer):
    sessions = await sessions_of(event)
    made = await client.post(f"/api/events/{event['slug']}/live", json={"session_id": sessions[1]["id"]}, headers=bearer)
    assert made.status_code == 201, made.text
    space = made.json()
    assert space["code"].isdigit() and len(space["code"]) == 6 and space["is_open"] is False
    assert (await client.post(f"/api/live/{space['code']}/participants", json={})).status_code == 409  # closed
    opened = await client.post(f"/api/live/spaces/{space['id']}/open", headers=bearer)
    assert opened.json()["is_open"] is True
    twice = await client.post(f"/api/events/{event['slug']}/live", json={"session_id": sessions[1]["id"]}, headers=bearer)
    assert twice.status_code == 409
    whole = await client.post(f"/api/events/{event['slug']}/live", json={}, headers=bearer)
    assert whole.status_code == 201 and whole.json()["session_id"] is None
    listed = (await client.get(f"/api/events/{event['slug']}/live", headers=bearer)).json()
    assert {s["id"] for s in listed["spaces"]} == {space["id"], whole.json()["id"]}


async def test_organiser_of_another_organisation_gets_404(client, space, event, other_organiser):
    other = {"Authorization": f"Bearer {await accounts.create_api_token(other_organiser.id, label='t')}"}
    for path in (f"/api/live/spaces/{space['id']}/close", f"/api/live/spaces/{space['id']}/polls"):
        response = await client.post(path, json={"kind": "words", "question": "?"}, headers=other)
        assert response.status_code == 404, response.text
    assert (await client.get(f"/api/live/spaces/{space['id']}/export", headers=other)).status_code == 404
    assert (await client.post(f"/api/events/{event['slug']}/live", json={}, headers=other)).status_code == 404
    assert (await service.space_by_id(space["id"]))["is_open"] is True


async def test_one_vote_per_token_under_50_concurrent_double_votes(client, space):
    asker = await join(client, space["code"], "Anna")
    asked = await client.post(f"/api/live/{space['code']}/questions", json={"text": "Hoe oefenen we dit?"},
                              headers=token_header(asker))
    assert asked.status_code == 201, asked.text
    question_id = asked.json()["id"]
    voters = [await join(client, space["code"]) for _ in range(50)]
    path = f"/api/live/{space['code']}/questions/{question_id}/vote"
    answers = await asyncio.gather(*(client.post(path, headers=token_header(v)) for v in voters for _ in range(2)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 50 + [409] * 50
    assert await Vote.count().where(Vote.question == question_id) == 50
    withdrawn = await client.delete(path, headers=token_header(voters[0]))
    assert withdrawn.json() == {"question_id": question_id, "votes": 49, "voted": False}
    assert (await client.delete(path, headers=token_header(voters[0]))).status_code == 404
    assert (await client.post(path, headers=token_header(voters[0]))).json()["votes"] == 50


async def test_questions_are_checked_and_need_a_valid_token(client, space):
    joined = await join(client, space["code"])
    path = f"/api/live/{space['code']}/questions"
    assert (await client.post(path, json={"text": "x" * 281}, headers=token_header(joined))).status_code == 400
    assert (await client.post(path, json={"text": "   "}, headers=token_header(joined))).status_code == 400
    assert (await client.post(path, json={"text": "Vraag"})).status_code == 401
    assert (await client.post(path, json={"text": "Vraag"}, headers={"X-Live-Token": "x" * 43})).status_code == 401


async def test_premoderation_hides_until_approved_and_states_stay_visible(client, space, bearer):
    await service.set_open(space["id"], True)
    await Space.update({Space.premoderation: True}).where(Space.id == space["id"])
    joined = await join(client, space["code"])
    headers = token_header(joined)
    question = (await client.post(f"/api/live/{space['code']}/questions", json={"text": "Wanneer?"}, headers=headers)).json()
    assert question["state"] == "pending"
    listed = (await client.get(f"/api/live/{space['code']}/questions", headers=headers)).json()
    assert listed["questions"] == []
    vote = await client.post(f"/api/live/{space['code']}/questions/{question['id']}/vote", headers=headers)
    assert vote.status_code == 404  # nothing to vote on before approval
    base = f"/api/live/spaces/{space['id']}/questions/{question['id']}"
    assert (await client.post(f"{base}/approve", headers=bearer)).json()["state"] == "visible"
    listed = (await client.get(f"/api/live/{space['code']}/questions", headers=headers)).json()
    assert [q["text"] for q in listed["questions"]] == ["Wanneer?"]
    assert (await client.post(f"{base}/answered", headers=bearer)).json()["state"] == "answered"
    assert (await client.post(f"{base}/hide", headers=bearer)).json()["state"] == "hidden"
    listed = (await client.get(f"/api/live/{space['code']}/questions", headers=headers)).json()
    assert [(q["text"], q["state"]) for q in listed["questions"]] == [("Wanneer?", "hidden")]
    assert (await client.post(f"{base}/delete", headers=bearer)).status_code == 404


async def test_polls_one_open_per_space_hidden_results_and_one_response_per_token(client, space, bearer):
    base = f"/api/live/spaces/{space['id']}/polls"
    first = (await client.post(base, json={"kind": "choice", "question": "Welke?", "options": ["A", "B"],
                                           "revealed": False}, headers=bearer)).json()
    second = (await client.post(base, json={"kind": "scale", "question": "Hoe?", "options": [10]}, headers=bearer)).json()
    assert (await client.post(base, json={"kind": "scale", "question": "?", "options": [7]}, headers=bearer)).status_code == 400
    await client.post(f"{base}/{first['id']}/open", headers=bearer)
    await client.post(f"{base}/{second['id']}/open", headers=bearer)
    states = {p["id"]: p["state"] for p in (await client.get(base, headers=bearer)).json()}
    assert states == {first["id"]: "closed", second["id"]: "open"}
    await client.post(f"{base}/{first['id']}/open", headers=bearer)
    joined = await join(client, space["code"])
    path = f"/api/live/{space['code']}/polls/{first['id']}/responses"
    answers = await asyncio.gather(*(client.post(path, json={"answer": [i % 2]}, headers=token_header(joined))
                                     for i in range(20)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19
    assert [a.json()["results"] for a in answers if a.status_code == 201] == [None]  # not revealed yet
    assert (await client.post(path, json={"answer": [5]}, headers=token_header(await join(client, space["code"])))).status_code == 400
    late = f"/api/live/{space['code']}/polls/{second['id']}/responses"
    assert (await client.post(late, json={"answer": 3}, headers=token_header(joined))).status_code == 409  # closed
    revealed = (await client.post(f"{base}/{first['id']}/reveal", headers=bearer)).json()
    assert revealed["revealed"] is True and revealed["results"]["responses"] == 1


async def test_word_cloud_normalises_and_refuses_profanity(client, space, bearer):
    base = f"/api/live/spaces/{space['id']}/polls"
    poll = (await client.post(base, json={"kind": "words", "question": "Eén woord?"}, headers=bearer)).json()
    await client.post(f"{base}/{poll['id']}/open", headers=bearer)
    path = f"/api/live/{space['code']}/polls/{poll['id']}/responses"
    for answer in (["  Samen ", "Huisjes"], ["samen!", "huisje"], ["SAMEN"]):
        assert (await client.post(path, json={"answer": answer}, headers=token_header(await join(client, space["code"])))).status_code == 201
    for bad in (["kanker"], ["Shit"], ["a", "b", "c", "d"]):
        refused = await client.post(path, json={"answer": bad}, headers=token_header(await join(client, space["code"])))
        assert refused.status_code == 400, bad
    results = (await client.post(f"{base}/{poll['id']}/close", headers=bearer)).json()["results"]
    assert results["words"] == [{"word": "samen", "count": 3}, {"word": "huisjes", "count": 1}, {"word": "huisje", "count": 1}]
    hidden = await client.post(f"{base}/{poll['id']}/words/hide", json={"word": "Huisje"}, headers=bearer)
    assert [w["word"] for w in hidden.json()["words"]] == ["samen", "huisjes"]


async def test_ratings_once_per_token_and_exports(client, space, event, bearer):
    joined = await join(client, space["code"], "Bea")
    headers = token_header(joined)
    path = f"/api/live/{space['code']}/ratings"
    assert (await client.post(path, json={"stars": 6}, headers=headers)).status_code == 400
    assert (await client.post(path, json={"stars": 4, "comment": "Helder"}, headers=headers)).status_code == 201
    assert (await client.post(path, json={"stars": 5}, headers=headers)).status_code == 409
    await client.post(f"/api/live/{space['code']}/questions", json={"text": "=1+1 echt?"}, headers=headers)
    listed = (await client.get(f"/api/events/{event['slug']}/live", headers=bearer)).json()
    rating = next(r for r in listed["ratings"] if r["space_id"] == space["id"])
    assert (rating["count"], rating["mean"], rating["comments"]) == (1, 4.0, ["Helder"])
    data = (await client.get(f"/api/live/spaces/{space['id']}/export?format=json", headers=bearer)).json()
    assert data["questions"][0]["name"] == "Bea" and data["ratings"]["mean"] == 4.0
    exported = await client.get(f"/api/live/spaces/{space['id']}/export?format=csv", headers=bearer)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == ["vraag", "'=1+1 echt?", "Bea", "0"]


async def test_purge_forgets_asker_names_of_old_events(client, space, event):
    joined = await join(client, space["code"], "Cor")
    await client.post(f"/api/live/{space['code']}/questions", json={"text": "Vraag"}, headers=token_header(joined))
    assert await service.purge_names(NOW + timedelta(days=10), 30) == 0
    assert await service.purge_names(NOW + timedelta(days=40), 30) == 2
    question = (await service.questions_of(space))[0]
    assert question["name"] is None and question["text"] == "Vraag"


async def test_demo_adds_one_open_space_once(settings, clock, engine):
    await load_demo(settings, clock)
    spaces = await Space.select()
    assert len(spaces) == 1 and spaces[0]["is_open"]
    data = await service.export_data(spaces[0])
    assert len(data["questions"]) == 3 and data["ratings"]["count"] == 2 and data["polls"][0]["results"]["responses"] == 4
    await load_demo(settings, clock)
    assert await Space.count() == 1


async def test_organisers_list_every_question_page_by_page(client, space, event, bearer, other_organiser):
    await service.set_open(space["id"], True)
    await Space.update({Space.premoderation: True}).where(Space.id == space["id"])
    headers = token_header(await join(client, space["code"]))
    for text in ("Eerste?", "Tweede?", "Derde?"):
        assert (await client.post(f"/api/live/{space['code']}/questions", json={"text": text}, headers=headers)).status_code == 201
    base = f"/api/live/spaces/{space['id']}/questions"
    page = await client.get(base, params={"per_page": 2, "order": "newest"}, headers=bearer)
    assert page.status_code == 200 and page.headers["x-total-count"] == "3"
    assert [(q["text"], q["state"]) for q in page.json()] == [("Derde?", "pending"), ("Tweede?", "pending")]
    assert 'rel="next"' in page.headers["link"]
    assert (await client.get(base, params={"order": "random"}, headers=bearer)).status_code == 400
    other = {"Authorization": f"Bearer {await accounts.create_api_token(other_organiser.id, label='x')}"}
    assert (await client.get(base, headers=other)).status_code == 404
