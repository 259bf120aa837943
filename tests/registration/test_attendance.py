"""Attendance: the personal join link `/j/{token}` (302 to the meeting, first and last use recorded, HEAD and link
previewers not counted, 404/410), check-in counting too, and what organisers see (page, CSV, API)."""

from __future__ import annotations

from datetime import timedelta

from events.mail.tables import OutboxMessage
from events.programme.tables import Event, Session
from events.registration import service
from events.registration.service import Applicant
from events.registration.tables import Registration
from tests.conftest import NOW, http_client, login

MEETING = "https://meet.example.nl/secret-room-42"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


async def registered(site, event, email="anna@x.nl", name="Anna") -> tuple[dict, str]:
    await service.register(event["slug"], Applicant(name, email), NOW, site)
    row = await Registration.select().where(Registration.email == email).first()
    return row, f"/j/{site.join_token(row)}"


async def joins(email="anna@x.nl") -> dict:
    return await Registration.select(Registration.first_join_at, Registration.last_join_at).where(
        Registration.email == email).first()


async def test_the_join_link_sends_on_to_the_meeting_and_records_first_and_last_use(api, site, clock, make_event):
    event = await make_event()
    _, link = await registered(site, event)
    clock.set(event["starts_at"] - timedelta(minutes=5))
    first = await api.get(link, headers={"user-agent": BROWSER})
    assert first.status_code == 302 and first.headers["location"] == MEETING
    assert first.headers["cache-control"] == "no-store" and first.headers["referrer-policy"] == "no-referrer"
    clock.set(event["starts_at"] + timedelta(minutes=40))
    assert (await api.get(link, headers={"user-agent": BROWSER})).status_code == 302
    assert await joins() == {"first_join_at": event["starts_at"] - timedelta(minutes=5),
                             "last_join_at": event["starts_at"] + timedelta(minutes=40)}


async def test_head_requests_prefetches_and_link_previewers_do_not_count(api, site, make_event):
    event = await make_event()
    _, link = await registered(site, event)
    assert (await api.head(link, headers={"user-agent": BROWSER})).status_code == 302
    for headers in (
        {"user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
        {"user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
                       "Safari/537.36 Edg/120.0 BingPreview/1.0b"},
        {"user-agent": "Microsoft Office Existence Discovery"},
        {"user-agent": "WhatsApp/2.23.20.0"},
        {"user-agent": BROWSER, "sec-purpose": "prefetch;prerender"},
        {"user-agent": BROWSER, "purpose": "prefetch"},
    ):
        response = await api.get(link, headers=headers)
        assert response.status_code == 302 and response.headers["location"] == MEETING, headers
    assert await joins() == {"first_join_at": None, "last_join_at": None}
    assert (await api.get(link, headers={"user-agent": BROWSER})).status_code == 302
    assert (await joins())["first_join_at"] is not None


async def test_unknown_forged_and_unconfirmed_links_are_404_and_a_cancelled_event_410(api, site, make_event):
    event = await make_event(capacity=1)
    anna, link = await registered(site, event)
    _, waiting = await registered(site, event, "bob@x.nl", "Bob")  # waiting list
    assert (await api.get(waiting)).status_code == 404
    forged = f"/j/{anna['id']}-{'A' * 24}"
    for path in (forged, "/j/nothing", "/j/999999-abc", f"/j/{site.join_token(anna)}x"):
        assert (await api.get(path)).status_code == 404, path
    await Event.update({Event.status: "cancelled"}).where(Event.id == event["id"])
    assert (await api.get(link)).status_code == 410
    assert await joins() == {"first_join_at": None, "last_join_at": None}


async def test_mails_invitations_and_the_manage_page_carry_the_personal_link(api, site, make_event):
    event = await make_event()
    anna, link = await registered(site, event)
    confirmation = await OutboxMessage.select().where(OutboxMessage.kind == "confirmed").first()
    assert f"https://events.test{link}" in confirmation["text_body"] or link in confirmation["text_body"]
    assert MEETING not in confirmation["text_body"] and MEETING not in confirmation["html_body"]
    assert link in confirmation["calendar_ics"].replace("\r\n ", "") and MEETING not in confirmation["calendar_ics"]
    token = site.manage_token(anna["token_nonce"])
    page = await api.get(f"/registrations/{token}")
    assert f'href="{site.base_url}{link}"' in page.text
    assert MEETING in page.text  # the join URL itself stays where it was shown
    invite = await api.get(f"/registrations/{token}/invite.ics")
    assert link in invite.text.replace("\r\n ", "") and MEETING not in invite.text


async def test_organisers_see_attended_and_no_shows_per_registration_and_session(
    api, app, site, clock, make_event, organiser_token, other_organiser,
):
    event = await make_event(format="hybrid", venue="Stadhuis")
    start = event["starts_at"]
    await Session.insert(
        Session(event=event["id"], title="Opening", starts_at=start, ends_at=start + timedelta(minutes=30)),
        Session(event=event["id"], title="Workshop", starts_at=start + timedelta(minutes=60), ends_at=start + timedelta(minutes=120)),
    )
    _, anna = await registered(site, event)
    bob, _ = await registered(site, event, "bob@x.nl", "Bob")
    await registered(site, event, "carla@x.nl", "Carla")  # never comes
    clock.set(start - timedelta(minutes=2))
    await api.get(anna, headers={"user-agent": BROWSER})
    await service.set_checked_in(event, bob["id"], True, start + timedelta(minutes=50))  # onsite, after the opening
    bearer = {"authorization": f"Bearer {organiser_token}"}
    listed = (await api.get(f"/api/events/{event['slug']}/attendance", headers=bearer)).json()
    by_name = {item["name"]: item for item in listed}
    assert by_name["Anna"]["attended"] and by_name["Anna"]["first_join_at"].startswith(
        (start - timedelta(minutes=2)).isoformat()[:16])
    assert by_name["Bob"]["attended"] and by_name["Bob"]["checked_in_at"] and by_name["Bob"]["first_join_at"] is None
    assert not by_name["Carla"]["attended"] and by_name["Carla"]["status"] == "confirmed"
    sessions = {s["session"]["title"]: (s["attended"], s["no_show"]) for s in await service.session_attendance(event["id"])}
    assert sessions == {"Opening": (1, 2), "Workshop": (1, 2)}  # Anna joined before the opening; Bob came later
    async with http_client(app) as organiser:
        from tests.conftest import PASSWORD  # noqa: PLC0415 - only this test signs the organiser in

        owner = await Event.select(Event.organiser.email).where(Event.id == event["id"]).first()
        await login(organiser, owner["organiser.email"], PASSWORD)
        page = await organiser.get(f"/organiser/events/{event['slug']}/attendance")
        assert page.status_code == 200 and "Aanwezig: 2 van 3 bevestigd" in page.text and "Niet gekomen" in page.text
        csv = await organiser.get(f"/organiser/events/{event['slug']}/attendance/export")
        assert csv.status_code == 200 and "Anna" in csv.text and "Eerst deelgenomen om" in csv.text
        english = await organiser.get(f"/organiser/events/{event['slug']}/attendance?lang=en")
        assert "Attended: 2 of 3 confirmed" in english.text and "No-show" in english.text
    async with http_client(app) as other:
        await login(other, other_organiser.email)
        assert (await other.get(f"/organiser/events/{event['slug']}/attendance")).status_code == 404
        assert (await other.get(f"/api/events/{event['slug']}/attendance")).status_code == 404
