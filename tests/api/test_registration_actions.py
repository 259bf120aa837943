"""The organiser's API for one registration: approve, refuse, promote, cancel, check in, move, resend the link,
delete; each as the back office does it, with its role checks, mails, webhooks and audit entries."""

from __future__ import annotations

from events.audit.tables import AuditEntry
from events.mail.tables import OutboxMessage
from events.registration.tables import Registration
from events.webhooks.tables import WebhookDelivery
from tests.api.conftest import problem
from tests.webhooks.conftest import subscribe

BASE = "/api/events/{slug}/registrations/{id}"


async def register(api, slug: str, email: str, name: str = "Anna de Vries") -> dict:
    response = await api.post(f"/api/events/{slug}/registrations", json={"name": name, "email": email})
    assert response.status_code == 201, response.text
    return response.json()


def path(event: dict, registration: dict, action: str = "") -> str:
    return BASE.format(slug=event["slug"], id=registration["id"]) + (f"/{action}" if action else "")


async def kinds(registration_id: int) -> list[str]:
    rows = await OutboxMessage.select(OutboxMessage.kind).where(OutboxMessage.registration_id == registration_id)
    return [row["kind"] for row in rows]


async def test_approve_and_refuse_tell_the_person_and_answer_the_registration(
    api, make_event, editor_headers, viewer_headers, stranger_headers
):
    event = await make_event(approval_required=True)
    anna, bert = await register(api, event["slug"], "anna@gemeente.nl"), await register(api, event["slug"], "bert@gemeente.nl")
    assert anna["status"] == bert["status"] == "pending"
    problem(await api.post(path(event, anna, "approve"), headers=viewer_headers), 403)
    problem(await api.post(path(event, anna, "approve"), headers=stranger_headers), 404)
    assert (await Registration.select(Registration.status).where(Registration.id == anna["id"]).first())["status"] == "pending"

    approved = await api.post(path(event, anna, "approve"), headers=editor_headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "confirmed" and approved.json()["email"] == "anna@gemeente.nl"
    refused = await api.post(path(event, bert, "refuse"), headers=editor_headers)
    assert refused.json()["status"] == "rejected"
    assert "confirmed" in await kinds(anna["id"]) and "rejected" in await kinds(bert["id"])
    problem(await api.post(path(event, anna, "approve"), headers=editor_headers), 409)
    assert await AuditEntry.count().where(AuditEntry.action.is_in(["registrations.approve", "registrations.reject"])) == 2
    # a registration of another event, through this event's address, is not there
    other = await make_event()
    carla = await register(api, other["slug"], "carla@gemeente.nl")
    problem(await api.post(path(event, carla, "approve"), headers=editor_headers), 404)


async def test_promote_ahead_of_the_queue_needs_a_place_or_over_capacity(
    api, make_event, owner_headers, editor_headers, receiver
):
    await subscribe(api, owner_headers, receiver.url, ["registration.promoted"], slug="gemeente-a")
    event = await make_event(capacity=1)
    await register(api, event["slug"], "anna@gemeente.nl")
    bert = await register(api, event["slug"], "bert@gemeente.nl")
    carla = await register(api, event["slug"], "carla@gemeente.nl")
    assert bert["status"] == carla["status"] == "waitlisted"
    full = problem(await api.post(path(event, carla, "promote"), headers=editor_headers), 409, "over_capacity")
    assert "over_capacity" in full["detail"]
    promoted = await api.post(path(event, carla, "promote"), json={"over_capacity": True}, headers=editor_headers)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["status"] == "confirmed"  # ahead of Bert, who waits on
    assert (await api.get(path(event, bert), headers=editor_headers)).json()["position"] == 1
    assert "promoted" in await kinds(carla["id"])
    assert await WebhookDelivery.count() == 1
    problem(await api.post(path(event, carla, "promote"), headers=editor_headers), 409)  # not waitlisted any more
    entry = await AuditEntry.select().where(AuditEntry.action == "registrations.promote").first()
    assert "beyond the capacity" in entry["detail"]


async def test_cancel_for_the_participant_gives_the_place_to_the_waiting_list(api, make_event, editor_headers, viewer_headers):
    event = await make_event(capacity=1)
    anna = await register(api, event["slug"], "anna@gemeente.nl")
    bert = await register(api, event["slug"], "bert@gemeente.nl")
    problem(await api.post(path(event, anna, "cancel"), headers=viewer_headers), 403)
    cancelled = await api.post(path(event, anna, "cancel"), headers=editor_headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await api.get(path(event, bert), headers=viewer_headers)).json()["status"] == "confirmed"
    assert "cancelled" in await kinds(anna["id"]) and "promoted" in await kinds(bert["id"])
    problem(await api.post(path(event, anna, "cancel"), headers=editor_headers), 409)


async def test_check_in_and_undo(api, make_event, editor_headers, viewer_headers, stranger_headers):
    event = await make_event()
    anna = await register(api, event["slug"], "anna@gemeente.nl")
    problem(await api.post(path(event, anna, "check-in"), headers=viewer_headers), 403)
    problem(await api.delete(path(event, anna, "check-in"), headers=stranger_headers), 404)
    checked = await api.post(path(event, anna, "check-in"), headers=editor_headers)
    assert checked.status_code == 200 and checked.json()["checked_in_at"] is not None
    undone = await api.delete(path(event, anna, "check-in"), headers=editor_headers)
    assert undone.status_code == 200 and undone.json()["checked_in_at"] is None
    problem(await api.post(path(event, {"id": anna["id"] + 999}, "check-in"), headers=editor_headers), 404)


async def test_move_to_another_event_of_the_organisation_only(api, make_event, other_team, editor_headers):
    event, target = await make_event(), await make_event(capacity=5)
    theirs = await make_event(organisation_id=other_team.organisation.id)
    anna = await register(api, event["slug"], "anna@gemeente.nl")
    problem(await api.post(path(event, anna, "move"), json={"target": theirs["slug"]}, headers=editor_headers), 400, "target")
    problem(await api.post(path(event, anna, "move"), json={"target": event["slug"]}, headers=editor_headers), 400, "target")
    problem(await api.post(path(event, anna, "move"), json={}, headers=editor_headers), 400)
    moved = await api.post(path(event, anna, "move"), json={"target": target["slug"]}, headers=editor_headers)
    assert moved.status_code == 200, moved.text
    row = await Registration.select().where(Registration.id == anna["id"]).first()
    assert row["event"] == target["id"] and moved.json()["status"] == "confirmed"
    problem(await api.get(path(event, anna), headers=editor_headers), 404)


async def test_resend_mails_the_link_and_never_answers_it(api, make_event, editor_headers, viewer_headers):
    event = await make_event()
    anna = await register(api, event["slug"], "anna@gemeente.nl")
    problem(await api.post(path(event, anna, "resend"), headers=viewer_headers), 403)
    sent = await api.post(path(event, anna, "resend"), headers=editor_headers)
    assert sent.status_code == 202, sent.text
    assert sent.json() == {"sent_to": "anna@gemeente.nl", "message": "sent to anna@gemeente.nl"}
    assert anna["token"] not in sent.text and "/registrations/" not in sent.text
    assert (await kinds(anna["id"])).count("link") == 1
    problem(await api.post(path(event, anna, "resend"), headers=editor_headers), 409)  # not again within minutes
    assert await AuditEntry.exists().where(AuditEntry.action == "registrations.resend-link")


async def test_delete_erases_the_registration(api, make_event, editor_headers, viewer_headers):
    event = await make_event()
    anna = await register(api, event["slug"], "anna@gemeente.nl")
    problem(await api.delete(path(event, anna), headers=viewer_headers), 403)
    assert (await api.delete(path(event, anna), headers=editor_headers)).status_code == 204
    assert not await Registration.exists().where(Registration.id == anna["id"])
    problem(await api.delete(path(event, anna), headers=editor_headers), 404)
