"""The organiser edits the evaluation's questions (back office and API): add, edit, reorder, delete, the no-shows
option; the defaults are copied at the first edit and keep their keys (earlier answers still count); bad input
gets field errors and writes nothing; viewers read without forms."""

from __future__ import annotations

from events.accounts import service as accounts
from events.evaluation import service
from events.evaluation.tables import Form, Question
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.registration import service as registration
from tests.conftest import NOW, PASSWORD, http_client, login, post_form


async def test_back_office_add_edit_reorder_delete(organiser_client, make_event):
    event = await make_event()
    base = f"/organiser/events/{event['slug']}/evaluation/questions"
    page = await organiser_client.get(base)
    assert page.status_code == 200 and "Dit zijn de standaardvragen" in page.text
    added = await post_form(organiser_client, base, {"kind": "choice", "text_nl": "Hoe hoorde je ervan?",
                                                     "text_en": "How did you hear of it?",
                                                     "options_nl": "Mail\nCollega\nWebsite", "options_en": "Mail\nColleague\nWebsite"})
    assert added.status_code == 303
    keys = [q.key for q in await service.questions_of(event["id"])]
    assert keys[:3] == ["overall", "usefulness", "change"] and keys[3].startswith("q")
    new = keys[3]
    assert (await post_form(organiser_client, f"{base}/{new}/up", {})).status_code == 303
    assert [q.key for q in await service.questions_of(event["id"])] == ["overall", "usefulness", new, "change"]
    edited = await post_form(organiser_client, f"{base}/overall/edit", {"kind": "scale", "text_nl": "Je cijfer?", "required": "on"})
    assert edited.status_code == 303
    assert (await service.questions_of(event["id"]))[0].text_nl == "Je cijfer?"
    assert (await post_form(organiser_client, f"{base}/usefulness/delete", {})).status_code == 303
    assert [q.key for q in await service.questions_of(event["id"])] == ["overall", new, "change"]
    assert (await post_form(organiser_client, f"{base}/nothing/delete", {})).status_code == 404
    assert (await post_form(organiser_client, f"{base}/{new}/sideways", {})).status_code == 404
    saved = await post_form(organiser_client, f"/organiser/events/{event['slug']}/evaluation/settings", {"no_shows_may_answer": "on"})
    assert saved.status_code == 303 and (await service.form_of(event["id"]))["no_shows_may_answer"]


async def test_bad_questions_get_the_error_summary_and_write_nothing(organiser_client, make_event):
    event = await make_event()
    base = f"/organiser/events/{event['slug']}/evaluation/questions"
    refused = await post_form(organiser_client, base, {"kind": "choice", "text_nl": "Kies\nmeer", "options_nl": "Alleen één"})
    assert refused.status_code == 400 and 'class="error-summary"' in refused.text
    assert "Maximaal 300 tekens, op één regel" in refused.text and "2 tot 12 mogelijkheden" in refused.text
    english = await post_form(organiser_client, base + "?lang=en", {"kind": "scale", "text_nl": ""})
    assert english.status_code == 400 and "Write the question in Dutch" in english.text
    mismatch = await post_form(organiser_client, f"{base}/overall/edit", {"kind": "choice", "text_nl": "X",
                                                                          "options_nl": "a\nb", "options_en": "a"})
    assert mismatch.status_code == 400 and "evenveel Engelse" in mismatch.text
    assert await Question.count() == 0 and await Form.count() == 0


async def test_answers_given_before_an_edit_still_count_under_their_question(make_event, participant, after, clock):
    event = await make_event()
    _, token = await participant(event)
    after(event)
    await service.answer(event, await registration.registration_by_token(token), {"q_overall": "4"}, False, clock.now())
    await service.update_question(event["id"], "overall", {"kind": "scale", "text_nl": "Je cijfer voor vandaag?"})
    results = await service.results(event, "nl")
    assert results["questions"][0]["text"] == "Je cijfer voor vandaag?" and results["questions"][0]["mean"] == 4.0


async def test_the_api_lists_pages_adds_changes_moves_and_deletes(api, organiser_token, make_event):
    event = await make_event()
    auth = {"authorization": f"Bearer {organiser_token}"}
    base = f"/api/events/{event['slug']}/evaluation/questions"
    listed = (await api.get(base + "?per_page=2", headers=auth)).json()
    assert listed["total"] == 3 and [q["key"] for q in listed["items"]] == ["overall", "usefulness"]
    assert [q["key"] for q in (await api.get(base + "?per_page=2&page=2", headers=auth)).json()["items"]] == ["change"]
    created = await api.post(base, headers=auth, json={"kind": "open", "text_nl": "Tips?", "text_en": "Tips?"})
    assert created.status_code == 201 and created.json()["key"].startswith("q")
    key = created.json()["key"]
    moved = await api.patch(f"{base}/{key}", headers=auth, json={"position": 0, "required": True})
    assert moved.status_code == 200 and moved.json()["position"] == 0 and moved.json()["required"] is True
    bad = await api.post(base, headers=auth, json={"kind": "choice", "text_nl": "Kies", "options_nl": ["a"]})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert (await api.delete(f"{base}/usefulness", headers=auth)).status_code == 204
    assert (await api.delete(f"{base}/usefulness", headers=auth)).status_code == 404
    keys = [q["key"] for q in (await api.get(base, headers=auth)).json()["items"]]
    assert keys == [key, "overall", "change"]
    options = await api.patch(f"/api/events/{event['slug']}/evaluation", headers=auth, json={"no_shows_may_answer": True})
    assert options.json() == {"customised": True, "no_shows_may_answer": True}


async def test_viewers_read_the_questions_without_forms(app, make_event, organiser):
    event = await make_event()
    viewer = await accounts.create_user("meelezer@gemeente.nl", "organiser", password=PASSWORD, name="Mee Lezer")
    await organisations.add_member(event["organisation"], viewer.id, OrgRole.VIEWER, NOW)
    async with http_client(app) as client:
        await login(client, viewer.email)
        page = await client.get(f"/organiser/events/{event['slug']}/evaluation/questions")
        assert page.status_code == 200 and "Welk cijfer" in page.text
        assert 'action="/organiser/events/' not in page.text  # no form that changes the evaluation
        refused = await post_form(client, f"/organiser/events/{event['slug']}/evaluation/questions", {"kind": "open", "text_nl": "X"})
        assert refused.status_code == 403 and await Question.count() == 0
