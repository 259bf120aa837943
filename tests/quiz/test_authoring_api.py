"""The quiz's authoring API: create, read, change and delete quizzes; add, replace, reorder and delete questions;
another organisation's quiz is 404; the same rules as the forms (time limits 5–300 s)."""

from __future__ import annotations

from events.accounts import service as accounts


async def test_author_a_quiz_through_the_api(client, event, organiser_token, other_organiser):
    bearer = {"Authorization": f"Bearer {organiser_token}"}
    made = await client.post(f"/api/events/{event['slug']}/quizzes", json={"title": "API-quiz"}, headers=bearer)
    assert made.status_code == 201, made.text
    quiz_id = made.json()["id"]
    base = f"/api/quizzes/{quiz_id}"
    question = {"kind": "single", "text": "Eerste?", "time_limit_s": 20,
                "options": [{"text": "Ja", "correct": True}, {"text": "Nee"}]}
    await client.post(f"{base}/questions", json=question, headers=bearer)
    body = (await client.post(f"{base}/questions", json={**question, "text": "Tweede?"}, headers=bearer)).json()
    assert [q["text"] for q in body["questions"]] == ["Eerste?", "Tweede?"]
    second = body["questions"][1]["id"]
    moved = (await client.post(f"{base}/questions/{second}/move", json={"direction": "up"}, headers=bearer)).json()
    assert [q["text"] for q in moved["questions"]] == ["Tweede?", "Eerste?"]
    replaced = await client.put(f"{base}/questions/{second}", json={**question, "text": "Nieuw?", "time_limit_s": 30},
                                headers=bearer)
    assert replaced.json()["questions"][0]["text"] == "Nieuw?" and replaced.json()["questions"][0]["time_limit_s"] == 30
    too_long = await client.post(f"{base}/questions", json={**question, "time_limit_s": 301}, headers=bearer)
    assert too_long.status_code == 400
    renamed = await client.patch(base, json={"title": "Andere titel"}, headers=bearer)
    assert renamed.json()["title"] == "Andere titel" and len(renamed.json()["questions"]) == 2
    other = {"Authorization": f"Bearer {await accounts.create_api_token(other_organiser.id, label='t')}"}
    assert (await client.get(base, headers=other)).status_code == 404
    assert (await client.delete(base, headers=other)).status_code == 404
    assert (await client.delete(f"{base}/questions/{second}", headers=bearer)).status_code == 204
    assert (await client.delete(f"{base}/questions/{second}", headers=bearer)).status_code == 404
    assert [q["text"] for q in (await client.get(base, headers=bearer)).json()["questions"]] == ["Eerste?"]
    assert (await client.delete(base, headers=bearer)).status_code == 204
    assert (await client.get(base, headers=bearer)).status_code == 404
