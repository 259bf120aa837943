"""What organisers see: results per question with counts, averages and open answers, the live session ratings
beside them, the chart (SVG, title/desc, no script) and its text table, the CSV for Dutch Excel, in Dutch and
English; and that none of it carries a participant's name without their consent."""

from __future__ import annotations

from events.evaluation import service
from events.live.tables import Participant, Rating, Space
from tests.conftest import get_csrf, post_form


async def answered(client, token: str, answers: dict) -> None:
    await get_csrf(client, f"/registrations/{token}/evaluation")
    response = await post_form(client, f"/registrations/{token}/evaluation", answers)
    assert response.status_code == 200, response.text


async def world(client, make_event, participant, after) -> dict:
    event = await make_event()
    _, anna = await participant(event, name="Anna Anoniem", email="anna@gemeente.nl")
    _, bob = await participant(event, name="Bob Deelt", email="bob@gemeente.nl")
    _, cas = await participant(event, name="Cas Stil", email="cas@gemeente.nl")
    space = await Space.insert(Space(event=event["id"], code="EVAL0001", title="Openingssessie")).returning(Space.id)
    for n, stars in enumerate((4, 5)):
        person = await Participant.insert(Participant(space=space[0]["id"], token_hash=f"{n}" * 64)).returning(Participant.id)
        await Rating.insert(Rating(space=space[0]["id"], participant=person[0]["id"], stars=stars,
                                   once=f"{space[0]['id']}:{person[0]['id']}", comment="Sterk verhaal" if n else ""))
    after(event)
    await answered(client, anna, {"q_overall": "5", "q_usefulness": "3", "q_change": "Anna wil meer pauzes"})
    await answered(client, bob, {"q_overall": "4", "q_change": "Bob wil de dia's", "consent": "on"})
    await answered(client, cas, {"q_overall": "3"})
    return event


async def test_the_results_page_counts_averages_open_answers_and_live_ratings(client, organiser_client, make_event, participant, after):
    event = await world(client, make_event, participant, after)
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/evaluation")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert "3 deelnemers hebben de evaluatie ingevuld." in text
    assert "gemiddeld 4,0" in text and "Anna wil meer pauzes" in text and "Bob wil de dia&#39;s" in text
    assert "Openingssessie" in text and "4,5" in text and "Sterk verhaal" in text
    assert "Bob Deelt" in text  # agreed to share
    assert "Anna Anoniem" not in text and "Cas Stil" not in text
    svg = text[text.index("<svg"):text.index("</svg>")]
    assert 'role="img"' in svg and '<title id="chart-title">Gemiddelde scores' in svg and "<desc" in svg
    assert "<script" not in svg.lower() and "Live waardering: Openingssessie" in svg
    assert "<table" in text[text.index("</svg>"):]  # the same figures as text
    english = await organiser_client.get(f"/organiser/events/{event['slug']}/evaluation?lang=en")
    assert "3 participants filled in the evaluation." in english.text and "average 4.0" in english.text
    assert "How would you rate this event overall?" in english.text


async def test_the_csv_and_the_api_carry_no_names_without_consent(client, organiser_client, organiser_token, make_event, participant, after):
    event = await world(client, make_event, participant, after)
    csv = await organiser_client.get(f"/organiser/events/{event['slug']}/evaluation/export")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    lines = body.split("\r\n")
    assert lines[0].startswith("Naam;Welk cijfer geef je deze bijeenkomst in het geheel?;")
    assert "Bob Deelt;4" in body and body.count("anoniem;") == 2
    assert "Anna Anoniem" not in body and "Cas Stil" not in body and "anna@" not in body
    assert "Openingssessie;4.5;2" in body
    api = await organiser_client.get(f"/api/events/{event['slug']}/evaluation",
                                     headers={"authorization": f"Bearer {organiser_token}"})
    assert api.status_code == 200
    data = api.json()
    assert data["responses"] == 3 and data["questions"][0]["mean"] == 4.0 and data["questions"][0]["count"] == 3
    assert data["questions"][0]["distribution"][4] == {"value": 5, "count": 1}
    opens = data["questions"][2]["answers"]
    assert {a["name"] for a in opens} == {None, "Bob Deelt"}
    assert data["live_ratings"][0] == {"title": "Openingssessie", "session_id": None, "count": 2, "mean": 4.5,
                                       "comments": ["Sterk verhaal"]}
    assert "Anna Anoniem" not in api.text and "Cas Stil" not in api.text


async def test_the_export_is_in_the_audit_trail(client, organiser_client, make_event, participant, after):
    from events.audit.tables import AuditEntry  # noqa: PLC0415 - only this test reads the trail

    event = await world(client, make_event, participant, after)
    await organiser_client.get(f"/organiser/events/{event['slug']}/evaluation/export")
    entry = await AuditEntry.select().where(AuditEntry.action == "evaluation.export").first()
    assert entry is not None and entry["event_id"] == event["id"]


def test_the_chart_escapes_what_organisers_typed():
    results = {"questions": [{"kind": "scale", "text": "<script>alert(1)</script>", "mean": 3.5, "count": 2}],
               "live_ratings": []}
    svg = service.summary_svg(results, "nl")
    assert "<script" not in svg and "&lt;script&gt;" in svg and "3,5" in svg


async def test_the_results_are_empty_but_fine_before_anyone_answered(organiser_client, make_event):
    event = await make_event()
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/evaluation")
    assert page.status_code == 200 and "0 deelnemers" in page.text and "<svg" not in page.text

