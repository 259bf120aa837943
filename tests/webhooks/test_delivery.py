"""Webhook delivery end to end: a change writes its delivery rows in its own transaction, the deliverer POSTs
signed CloudEvents to a real HTTP receiver, retries with backoff after a 500 and stops after a success."""

from __future__ import annotations

from datetime import timedelta

from standardwebhooks import Webhook

from events.webhooks import service as webhooks
from events.webhooks.tables import EventType, WebhookDelivery
from tests.conftest import NOW
from tests.webhooks.conftest import subscribe


async def register(api, slug, email, name="Anna de Vries"):
    response = await api.post(f"/api/events/{slug}/registrations", json={"name": name, "email": email,
                                                                         "organisation": "Gemeente Utrecht"})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_registration_is_delivered_signed_as_a_cloudevent(api, owner_headers, make_event, receiver, deliverer):
    hook = await subscribe(api, owner_headers, receiver.url, ["registration.created", "registration.confirmed"])
    assert hook["secret"].startswith("whsec_")
    event = await make_event()
    registration = await register(api, event["slug"], "anna@gemeente.nl")
    assert receiver.requests == []  # registering never waits for a receiver: the worker delivers later

    assert await deliverer(NOW) == 2
    assert len(receiver.requests) == 2
    verifier = Webhook(hook["secret"])
    for request in receiver.requests:
        assert request["headers"]["content-type"].startswith("application/cloudevents+json")
        assert request["headers"]["webhook-signature"].startswith("v1,")
        verifier.verify(request["body"], request["headers"])  # raises when the signature is wrong
        assert "secret-room-42" not in request["body"]  # never the join URL
    # The deliverer sends a round's messages concurrently: their arrival order is not fixed.
    by_type = {body["type"]: (body, request) for body, request in zip(receiver.bodies(), receiver.requests, strict=True)}
    (created, created_request), (confirmed, _) = by_type["registration.created"], by_type["registration.confirmed"]
    assert created["specversion"] == "1.0" and created["type"] == "registration.created"
    assert created["source"] == "http://testserver.local" and created["datacontenttype"] == "application/json"
    assert created["id"] == created_request["headers"]["webhook-id"]
    assert created["subject"] == f"registrations/{registration['id']}"
    assert created["time"] == "2026-11-01T09:00:00Z"
    assert created["data"]["registration"] == {"id": registration["id"], "status": "confirmed", "name": "Anna de Vries",
                                               "email": "anna@gemeente.nl", "organisation": "Gemeente Utrecht"}
    assert created["data"]["event"]["slug"] == event["slug"]
    assert confirmed["type"] == "registration.confirmed"
    assert confirmed["data"]["registration"] == {"id": registration["id"], "status": "confirmed"}  # no personal data

    tampered = dict(created_request["headers"])  # the message that carries the name, so the change is real
    assert "Anna" in created_request["body"]
    try:
        verifier.verify(created_request["body"].replace("Anna", "Bert"), tampered)
    except Exception as exc:  # noqa: BLE001 - the library's WebhookVerificationError
        assert "signature" in str(exc).lower()
    else:
        raise AssertionError("a changed body must not verify")


async def test_retries_with_backoff_after_500_and_stop_after_success(api, owner_headers, make_event, receiver, deliverer):
    await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    event = await make_event()
    await register(api, event["slug"], "anna@gemeente.nl")
    receiver.answers = [500, 503]

    assert await deliverer(NOW) == 0
    row = await WebhookDelivery.select().first()
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("queued", 1, 500)
    assert row["next_attempt_at"] == NOW + timedelta(minutes=1)

    assert await deliverer(NOW + timedelta(seconds=59)) == 0  # not due yet
    assert len(receiver.requests) == 1
    await deliverer(NOW + timedelta(minutes=1))
    row = await WebhookDelivery.select().first()
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("queued", 2, 503)
    assert row["next_attempt_at"] == NOW + timedelta(minutes=3)  # then 2 minutes

    assert await deliverer(NOW + timedelta(minutes=3)) == 1
    row = await WebhookDelivery.select().first()
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("delivered", 3, 200)
    assert await deliverer(NOW + timedelta(hours=5)) == 0
    assert len(receiver.requests) == 3
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1  # the same message every time: receivers can deduplicate


async def test_gives_up_after_a_day(api, owner_headers, make_event, receiver, deliverer):
    await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    await register(api, (await make_event())["slug"], "anna@gemeente.nl")
    receiver.answers = [500] * 50
    at = NOW
    for _ in range(30):
        await deliverer(at)
        row = await WebhookDelivery.select().first()
        if row["status"] == "failed":
            break
        at = row["next_attempt_at"]
    assert row["status"] == "failed"
    assert NOW + timedelta(hours=12) < row["last_attempt_at"] <= NOW + timedelta(days=1)  # a day of retries
    assert 10 <= row["attempts"] <= 12  # 1, 2, 4 … minutes: about eleven tries in a day


async def test_no_webhook_for_another_organisations_event(api, owner_headers, team, other_team, make_event, receiver, deliverer):
    await subscribe(api, owner_headers, receiver.url, ["registration.created", "event.changed"])
    theirs = await make_event(organisation_id=other_team.organisation.id)
    await register(api, theirs["slug"], "anna@gemeente.nl")
    assert await WebhookDelivery.count() == 0
    await deliverer(NOW)
    assert receiver.requests == []


async def test_only_the_subscribed_types_are_sent(api, owner_headers, make_event, receiver, deliverer):
    await subscribe(api, owner_headers, receiver.url, ["registration.cancelled"])
    event = await make_event()
    registration = await register(api, event["slug"], "anna@gemeente.nl")
    assert await WebhookDelivery.count() == 0
    cancelled = await api.delete(f"/api/registrations/{registration['token']}")
    assert cancelled.status_code in (200, 204), cancelled.text
    await deliverer(NOW)
    assert [b["type"] for b in receiver.bodies()] == ["registration.cancelled"]
    assert receiver.bodies()[0]["data"]["registration"] == {"id": registration["id"], "status": "cancelled"}


async def test_private_targets_are_refused_unless_allowed(api, owner_headers, make_event, receiver, settings):
    from events.webhooks.service import WebhookDeliverer  # noqa: PLC0415 - a deliverer without the test permission

    await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    await register(api, (await make_event())["slug"], "anna@gemeente.nl")
    strict = WebhookDeliverer(secret_key=settings.secret_key, source=settings.base_url, allow_private=False)
    assert await strict(NOW) == 0
    row = await WebhookDelivery.select().first()
    assert row["status"] == "failed" and "private address (127.0.0.1)" in row["last_error"]
    assert receiver.requests == []


async def test_an_idle_round_takes_no_write_lock(engine, deliverer, monkeypatch):
    """Nothing due: the round's claim is one read, no write transaction (the worker runs it every second)."""
    from events.webhooks.service import delivery

    taken: list[object] = []
    original = delivery.write_transaction
    monkeypatch.setattr(delivery, "write_transaction", lambda engine_: taken.append(engine_) or original(engine_))
    assert await deliverer(NOW) == 0
    assert taken == []


async def test_a_batchs_messages_are_built_only_for_an_organisation_that_subscribed(api, owner_headers, team, other_team, receiver):
    """`emit_for` consumes its happenings only when the organisation has an active endpoint: a registration batch
    of an organisation without webhooks builds no message at all."""
    built: list[str] = []

    def happenings(organisation_id: int):
        for subject in ("registrations/1", "registrations/2"):
            built.append(subject)
            yield webhooks.Happening(EventType.REGISTRATION_CREATED, organisation_id, subject, {"registration": {"id": 1}})

    assert await webhooks.emit_for(other_team.organisation.id, happenings(other_team.organisation.id), NOW) == 0
    assert await webhooks.emit_for(None, happenings(other_team.organisation.id), NOW) == 0
    assert built == []
    await subscribe(api, owner_headers, receiver.url, ["registration.created"])
    assert await webhooks.emit_for(team.organisation.id, happenings(team.organisation.id), NOW) == 2
    assert built == ["registrations/1", "registrations/2"]
    assert await WebhookDelivery.count() == 2
