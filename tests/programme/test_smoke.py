from events.programme import service as programme
from tests.programme.helpers import make_event


async def test_smoke(client, organiser_client, organiser, speaker):
    event = await make_event(organiser.id)
    sessions = await programme.sessions_of(event["id"])
    from tests.conftest import NOW
    await programme.add_speaker(event, sessions[0]["id"], speaker.email, NOW)
    for path in ["/", "/archive", f"/events/{event['slug']}", f"/events/{event['slug']}/sessions/{sessions[0]['id']}",
                 f"/speakers/{speaker.id}", "/privacy", "/api/events", f"/api/events/{event['slug']}"]:
        r = await client.get(path)
        assert r.status_code == 200, (path, r.text[:3000])
    for path in ["/organiser", "/organiser/new-event", f"/organiser/events/{event['slug']}", f"/organiser/events/{event['slug']}/edit",
                 f"/organiser/events/{event['slug']}/programme", f"/organiser/events/{event['slug']}/status/cancel",
                 f"/organiser/events/{event['slug']}/sessions/{sessions[0]['id']}/edit"]:
        r = await organiser_client.get(path)
        assert r.status_code == 200, (path, r.text[:3000])
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200, r.text[:2000]
