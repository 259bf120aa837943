"""The reveal's "learn more" link: a platform resource while it is live, else the organiser's own address."""

from __future__ import annotations

import pytest

from events.kernel.errors import RuleViolation
from events.quiz import service
from events.quiz.service import QuestionInput
from events.resources import service as resources
from events.resources.rows import ResourceRow
from tests.conftest import NOW, post_form


async def _resource(title: str = "Handreiking screening") -> ResourceRow:
    return await resources.create_resource(
        {"title": title, "url": "https://weerbareoverheid.example/handreikingen/screening", "aspect": "personele_beveiliging",
         "kind": "guide", "tags": "", "summary": ""},
        None, NOW,
    )


async def test_reveal_links_the_resource_and_hides_it_once_retired(engine, clock, quiz, organiser):
    resource = await _resource()
    first = (await service.questions_of(quiz.id))[0]
    await service.save_question(
        engine, quiz,
        QuestionInput(kind="single", text=first.text, options=[("Ja", True), ("Nee", False)],
                      learn_more_url="https://example.org/eigen", learn_more_title="Eigen link", resource_id=resource.id),
        question_id=first.id,
    )
    run = await service.open_run(quiz.id, organiser.id, NOW)
    await service.start_next_question(engine, run.id, clock.now())
    reveal = await service.reveal(engine, run.id)
    assert reveal["learn_more"] == {"url": resource.url, "title": "Handreiking screening"}
    await resources.retire_resource(resource.id, NOW)
    question = (await service.questions_of(quiz.id))[0]
    assert await service.learn_more_of(question) == {"url": "https://example.org/eigen", "title": "Eigen link"}
    # a retired resource cannot be newly chosen, but saving a question that already points at it keeps it
    with pytest.raises(RuleViolation):
        await service.save_question(engine, quiz, QuestionInput(kind="poll", text="Nieuw?", options=[("a", False), ("b", False)],
                                                                resource_id=resource.id))


async def test_organiser_picks_a_resource_in_the_form_and_export_carries_its_address(organiser_client, event, quiz, engine):
    resource = await _resource("Verhaal: insider")
    base = f"/organiser/events/{event['slug']}/quizzes/{quiz.id}"
    page = await organiser_client.get(base)
    assert "Verhaal: insider" in page.text
    response = await post_form(organiser_client, f"{base}/questions", {
        "kind": "truefalse", "text": "Screening is eenmalig", "truefalse": "false", "resource": str(resource.id),
    })
    assert response.status_code == 303
    exported = (await organiser_client.get(f"/api/events/{event['slug']}/quizzes/{quiz.id}/export")).json()
    assert exported["questions"][-1]["resource_url"] == resource.url
    copy_id = await service.import_quiz(engine, event, exported)
    assert (await service.questions_of(copy_id))[-1].resource == resource.id


async def test_the_form_offers_no_other_organisations_own_entries(organiser_client, event, quiz, other_organiser):
    from tests.conftest import home_organisation

    await resources.create_resource(
        {"title": "Intern draaiboek van een ander", "url": "https://ander.example/draaiboek", "aspect": "personele_beveiliging",
         "kind": "guide", "tags": "", "summary": ""},
        other_organiser.id, NOW, organisation=await home_organisation(other_organiser.id),
    )
    await _resource("Gedeelde handreiking")
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/quizzes/{quiz.id}")
    assert "Gedeelde handreiking" in page.text and "Intern draaiboek van een ander" not in page.text
