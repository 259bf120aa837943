"""The mail page's "try again" in the API: an event's failed mails back in the queue, all or one."""

from __future__ import annotations

from events.mail import service as mail
from events.mail.tables import OutboxMessage
from tests.conftest import NOW


async def failed_mail(event, to: str) -> int:
    row = mail.new_message(to_address=to, subject="Bevestiging", text_body="…", kind="confirmed", now=NOW, event_id=event["id"])
    row.status = "failed"
    row.attempts = 8
    await row.save()
    return row.id


async def test_editors_put_failed_mails_back_in_the_queue(api, make_event, editor_headers, viewer_headers, stranger_headers):
    event = await make_event()
    first, second = await failed_mail(event, "a@gemeente.nl"), await failed_mail(event, "b@gemeente.nl")
    url = f"/api/events/{event['slug']}/mail/retry"
    assert (await api.post(url, json={}, headers=viewer_headers)).status_code == 403
    assert (await api.post(url, json={}, headers=stranger_headers)).status_code == 404
    one = await api.post(url, json={"message_id": first}, headers=editor_headers)
    assert one.status_code == 200 and one.json() == {"requeued": 1}
    statuses = {r["id"]: (r["status"], r["attempts"]) for r in await OutboxMessage.select().where(OutboxMessage.event == event["id"])}
    assert statuses == {first: ("queued", 0), second: ("failed", 8)}
    rest = await api.post(url, json={}, headers=editor_headers)
    assert rest.json() == {"requeued": 1}
    assert (await api.post(url, json={"message_id": "x"}, headers=editor_headers)).status_code == 400
