"""The live pages through HTTP: entering a code, the participant's page, the wall, the QR code, the moderator's
screen (scoped to the event's organisation) and the live sections on the organiser's and the session's pages."""

from __future__ import annotations

from tests.conftest import PASSWORD, login


async def test_entering_a_code(client, space):
    assert (await client.get("/live")).status_code == 200
    found = await client.get(f"/live?code={space['code']}")
    assert found.status_code in (302, 303) and found.headers["location"] == f"/live/{space['code']}"
    missing = await client.get("/live?code=000000")
    assert missing.status_code == 404 and "Er is geen live-ruimte met deze code" in missing.text


async def test_participant_page_wall_and_qr(client, space):
    page = await client.get(f"/live/{space['code']}")
    assert page.status_code == 200 and 'data-role="participant"' in page.text
    wall = await client.get(f"/live/{space['code']}/wall")
    assert wall.status_code == 200 and 'class="site-header"' not in wall.text and "<button" not in wall.text
    assert f"/live/{space['code']}/qr.svg" in wall.text and 'data-ends-at="' in wall.text
    qr = await client.get(f"/live/{space['code']}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and qr.text.lstrip().startswith("<")
    assert (await client.get("/live/999999/wall")).status_code == 404


async def test_moderator_page_is_scoped_to_the_organisation(client, space, organiser, other_organiser):
    await login(client, other_organiser.email, PASSWORD)
    assert (await client.get(f"/organiser/live/{space['id']}")).status_code == 404
    client.cookies.clear()
    await login(client, organiser.email, PASSWORD)
    page = await client.get(f"/organiser/live/{space['id']}")
    assert page.status_code == 200 and 'data-role="moderator"' in page.text


async def test_sections_on_the_organiser_and_session_pages(client, space, event, organiser):
    session_page = await client.get(f"/events/{event['slug']}/sessions/{space['session']}")
    assert f"/live/{space['code']}" in session_page.text
    await login(client, organiser.email, PASSWORD)
    dashboard = await client.get(f"/organiser/events/{event['slug']}")
    assert f"/organiser/live/{space['id']}" in dashboard.text and "Maak een live-ruimte" in dashboard.text
