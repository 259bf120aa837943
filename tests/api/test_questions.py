"""Registration questions through the API: add, read, replace, order, delete; bad input is a 400 naming the field."""

from __future__ import annotations

from events.registration.tables import Question
from tests.api.conftest import problem


def url(event: dict, question_id: int | None = None, action: str = "") -> str:
    base = f"/api/events/{event['slug']}/questions"
    return base + (f"/{question_id}" if question_id else "") + (f"/{action}" if action else "")


async def test_questions_crud_and_order(api, make_event, editor_headers, viewer_headers):
    event = await make_event()
    diet = await api.post(url(event), json={"label": "Dieetwensen", "kind": "choice", "options": ["vegetarisch", "veganistisch"],
                                           "required": True}, headers=editor_headers)
    assert diet.status_code == 201, diet.text
    assert diet.json() == {"id": diet.json()["id"], "position": 0, "label": "Dieetwensen", "kind": "choice",
                           "options": ["vegetarisch", "veganistisch"], "required": True}
    role = (await api.post(url(event), json={"label": "Functie", "kind": "text"}, headers=editor_headers)).json()
    assert role["position"] == 1 and role["options"] == []
    listed = await api.get(url(event), headers=viewer_headers)
    assert [q["label"] for q in listed.json()] == ["Dieetwensen", "Functie"] and listed.headers["x-total-count"] == "2"

    moved = await api.post(url(event, role["id"], "move"), json={"direction": "up"}, headers=editor_headers)
    assert [q["label"] for q in moved.json()] == ["Functie", "Dieetwensen"]
    replaced = await api.put(url(event, diet.json()["id"]), json={"label": "Dieet", "kind": "multiple",
                                                                  "options": ["halal", "koosjer", "geen"]}, headers=editor_headers)
    assert replaced.status_code == 200 and replaced.json()["options"] == ["halal", "koosjer", "geen"]
    assert (await api.get(url(event, diet.json()["id"]), headers=viewer_headers)).json()["label"] == "Dieet"
    # the public form asks it
    assert await Question.count().where(Question.event == event["id"]) == 2
    assert (await api.delete(url(event, role["id"]), headers=editor_headers)).status_code == 204
    problem(await api.delete(url(event, role["id"]), headers=editor_headers), 404)
    problem(await api.get(url(event, role["id"]), headers=viewer_headers), 404)


async def test_bad_questions_are_refused_with_the_field(api, make_event, editor_headers):
    event = await make_event()
    problem(await api.post(url(event), json={"label": "Dieet", "kind": "choice", "options": ["alleen"]}, headers=editor_headers),
            400, "options")
    problem(await api.post(url(event), json={"label": "", "kind": "text"}, headers=editor_headers), 400, "label")
    problem(await api.post(url(event), json={"label": "Vraag", "kind": "essay"}, headers=editor_headers), 400, "kind")
    problem(await api.post(url(event), json={"label": "Vraag\x07", "kind": "text"}, headers=editor_headers), 400, "label")
    problem(await api.post(url(event), json={"label": "Vraag", "kind": "choice", "options": ["a\x00", "b"]},
                           headers=editor_headers), 400, "options")
    problem(await api.post(url(event), json={"kind": "text"}, headers=editor_headers), 400)
    question = (await api.post(url(event), json={"label": "Functie", "kind": "text"}, headers=editor_headers)).json()
    problem(await api.post(url(event, question["id"], "move"), json={"direction": "sideways"}, headers=editor_headers),
            400, "direction")
    assert await Question.count() == 1


async def test_questions_follow_the_boundary(api, make_event, viewer_headers, stranger_headers, editor_headers):
    event = await make_event()
    question = (await api.post(url(event), json={"label": "Functie", "kind": "text"}, headers=editor_headers)).json()
    problem(await api.post(url(event), json={"label": "X", "kind": "text"}, headers=viewer_headers), 403)
    problem(await api.put(url(event, question["id"]), json={"label": "X", "kind": "text"}, headers=viewer_headers), 403)
    problem(await api.get(url(event), headers=stranger_headers), 404)
    problem(await api.delete(url(event, question["id"]), headers=stranger_headers), 404)
    other = await make_event()
    problem(await api.get(url(other, question["id"]), headers=viewer_headers), 404)  # not a question of that event
    assert (await Question.select(Question.label).first())["label"] == "Functie"


async def test_the_quizzes_of_an_event_are_listed(api, make_event, editor_headers, viewer_headers, stranger_headers):
    event = await make_event()
    base = f"/api/events/{event['slug']}/quizzes"
    for title in ("Kennisquiz", "Slotquiz"):
        assert (await api.post(base, json={"title": title}, headers=editor_headers)).status_code == 201
    listed = await api.get(base, params={"per_page": 1}, headers=viewer_headers)
    assert listed.status_code == 200 and listed.headers["x-total-count"] == "2"
    assert [(q["title"], q["question_count"]) for q in listed.json()] == [("Kennisquiz", 0)]
    problem(await api.get(base, headers=stranger_headers), 404)
