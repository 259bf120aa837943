"""The webhooks API and page: owners only, the secret once, the delivery log paginated, redeliver and ping; and
the programme's, check-in's and the waiting list's messages."""

from __future__ import annotations

from datetime import timedelta

from standardwebhooks import Webhook

from events.accounts import service as accounts
from events.programme.tables import Event
from events.registration import service as registration
from events.webhooks.tables import WebhookDelivery, WebhookEndpoint
from tests.conftest import NOW, login, post_form
from tests.webhooks.conftest import subscribe

BASE = "/api/organisations/gemeente-a/webhooks"


async def bearer(user) -> dict[str, str]:
    return {"authorization": f"Bearer {await accounts.create_api_token(user.id, label='tests')}"}


async def test_the_secret_is_shown_once_and_never_stored(api, owner_headers, receiver, settings):
    hook = await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    listed = (await api.get(BASE, headers=owner_headers)).json()
    assert listed == [{k: v for k, v in hook.items() if k != "secret"}]
    one = await api.get(f"{BASE}/{hook['id']}", headers=owner_headers)
    assert "secret" not in one.json()
    row = await WebhookEndpoint.select().first()
    assert hook["secret"] not in str(row.values()) and hook["secret"][6:] not in str(row.values())


async def test_bad_input_is_a_problem_not_a_500(api, owner_headers):
    for body in ({"url": "ftp://x.nl", "event_types": ["registration.created"]},
                 {"url": "https://hooks.example.org", "event_types": ["registration.exploded"]},
                 {"url": "https://hooks.example.org", "event_types": []},
                 {"url": "https://user:pw@hooks.example.org", "event_types": ["event.changed"]}):
        response = await api.post(BASE, json=body, headers=owner_headers)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await WebhookEndpoint.count() == 0


async def test_only_owners_of_the_organisation(api, team, other_team, owner_headers, receiver):
    hook = await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    for user in (team.editor, team.viewer):
        headers = await bearer(user)
        assert (await api.get(BASE, headers=headers)).status_code == 403
        assert (await api.post(BASE, json={"url": "https://h.example.org", "event_types": ["event.changed"]},
                               headers=headers)).status_code == 403
        assert (await api.get(f"{BASE}/{hook['id']}/deliveries", headers=headers)).status_code == 403
    stranger = await bearer(other_team.owner)
    assert (await api.get(BASE, headers=stranger)).status_code == 404
    assert (await api.post(f"{BASE}/{hook['id']}/ping", headers=stranger)).status_code == 404
    # Their own organisation does not open ours by number.
    theirs = f"/api/organisations/ministerie-b/webhooks/{hook['id']}"
    assert (await api.get(theirs, headers=stranger)).status_code == 404
    assert (await api.delete(theirs, headers=stranger)).status_code == 404
    assert await WebhookEndpoint.count() == 1


async def test_delivery_log_pages_redeliver_and_ping(api, owner_headers, receiver, deliverer):
    hook = await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    for _ in range(3):
        assert (await api.post(f"{BASE}/{hook['id']}/ping", headers=owner_headers)).status_code == 202
    receiver.answers = [410]
    await deliverer(NOW)
    page = (await api.get(f"{BASE}/{hook['id']}/deliveries?per_page=2", headers=owner_headers)).json()
    assert page["total"] == 3 and page["per_page"] == 2 and len(page["items"]) == 2
    second = (await api.get(f"{BASE}/{hook['id']}/deliveries?per_page=2&page=2", headers=owner_headers)).json()
    items = page["items"] + second["items"]
    assert len({i["id"] for i in items}) == 3  # the pages do not overlap
    # whichever ping arrived first got the 410 (they are delivered side by side) and waits for its retry
    (refused,) = [i for i in items if i["last_status_code"] == 410]
    assert refused["event_type"] == "webhook.ping" and refused["status"] == "queued"
    assert sorted(i["status"] for i in items) == ["delivered", "delivered", "queued"]
    delivered = next(i for i in items if i["status"] == "delivered")
    again = await api.post(f"{BASE}/{hook['id']}/deliveries/{delivered['id']}/redeliver", headers=owner_headers)
    assert again.status_code == 202 and again.json()["status"] == "queued"
    await deliverer(NOW + timedelta(minutes=1))
    resent = [r for r in receiver.requests if r["headers"]["webhook-id"] == delivered["message_id"]]
    assert len(resent) == 2  # the same message, once more
    Webhook(hook["secret"]).verify(resent[1]["body"], resent[1]["headers"])
    failed_only = (await api.get(f"{BASE}/{hook['id']}/deliveries?status=failed", headers=owner_headers)).json()
    assert failed_only["total"] == 0


async def test_event_lifecycle_check_in_and_promotion_are_reported(api, owner_headers, make_event, receiver, deliverer):
    await subscribe(api, owner_headers, receiver.url, [
        "event.published", "event.changed", "event.cancelled", "registration.checked_in",
        "registration.promoted", "registration.waitlisted",
    ])
    draft = await make_event(status="draft", capacity=1)
    slug = draft["slug"]
    assert (await api.post(f"/api/events/{slug}/publish", headers=owner_headers)).status_code in (200, 201)
    changed = await api.patch(f"/api/events/{slug}", json={"title": "Nieuwe titel"}, headers=owner_headers)
    assert changed.status_code == 200, changed.text
    first = (await api.post(f"/api/events/{slug}/registrations", json={"name": "A", "email": "a@x.nl"})).json()
    second = (await api.post(f"/api/events/{slug}/registrations", json={"name": "B", "email": "b@x.nl"})).json()
    assert second["status"] == "waitlisted"
    assert (await api.delete(f"/api/registrations/{first['token']}")).status_code in (200, 204)
    event = await Event.select().where(Event.slug == slug).first()
    await registration.set_checked_in(event, second["id"], True, NOW)
    await registration.set_checked_in(event, second["id"], True, NOW)  # twice: reported once
    assert (await api.post(f"/api/events/{slug}/cancel", headers=owner_headers)).status_code in (200, 201)
    await deliverer(NOW)
    types = [body["type"] for body in receiver.bodies()]
    assert sorted(types) == sorted([
        "event.published", "event.changed", "registration.waitlisted", "registration.promoted",
        "registration.checked_in", "event.cancelled",
    ]), types
    by_type = {body["type"]: body for body in receiver.bodies()}
    assert by_type["event.changed"]["data"]["changed"] == ["title"]
    assert by_type["event.changed"]["data"]["event"]["title"] == "Nieuwe titel"
    assert by_type["registration.promoted"]["data"]["registration"]["id"] == second["id"]
    assert all("secret-room-42" not in r["body"] for r in receiver.requests)


async def test_the_owners_page_shows_the_secret_once_and_the_log(app, client, team, receiver, deliverer):
    await login(client, team.owner.email)
    page = await client.get("/organiser/organisations/gemeente-a/webhooks")
    assert page.status_code == 200 and "Webhooks" in page.text
    made = await post_form(client, "/organiser/organisations/gemeente-a/webhooks",
                           {"url": receiver.url, "event_types": ["registration.created", "event.changed"]})
    assert made.status_code == 201, made.text
    assert "whsec_" in made.text
    endpoint = await WebhookEndpoint.select().first()
    assert "whsec_" not in (await client.get("/organiser/organisations/gemeente-a/webhooks")).text
    refused = await post_form(client, "/organiser/organisations/gemeente-a/webhooks", {"url": "nope", "event_types": []})
    assert refused.status_code == 400 and await WebhookEndpoint.count() == 1
    pinged = await post_form(client, f"/organiser/organisations/gemeente-a/webhooks/{endpoint['id']}/ping", {})
    assert pinged.status_code == 303
    await deliverer(NOW)
    log = await client.get(f"/organiser/organisations/gemeente-a/webhooks/{endpoint['id']}")
    assert log.status_code == 200 and "webhook.ping" in log.text and "200" in log.text
    delivery = await WebhookDelivery.select().first()
    again = await post_form(
        client, f"/organiser/organisations/gemeente-a/webhooks/{endpoint['id']}/deliveries/{delivery['id']}/redeliver", {}
    )
    assert again.status_code == 303
    assert (await WebhookDelivery.select().first())["status"] == "queued"


async def test_an_editor_cannot_open_the_page(client, team):
    await login(client, team.editor.email)
    assert (await client.get("/organiser/organisations/gemeente-a/webhooks")).status_code == 403
