"""The public .ics routes: downloads, programme, feed (conditional GET), and the "add to calendar" panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from events.accounts import service as accounts
from events.programme.tables import Event, Session, SessionSpeaker
from tests.conftest import NOW
from tests.ical.checks import JOIN_URL, check_calendar, make_event, only_event, utc

CALENDAR_TYPE = "text/calendar; charset=utf-8"


async def test_event_download_is_a_publish_calendar_without_join_url(client, organiser):
    event = await make_event(organiser)
    response = await client.get(f"/events/{event['slug']}/event.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == CALENDAR_TYPE
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "events_csrf" not in response.headers.get("set-cookie", "")  # csrf_free: no token minted for a download
    calendar, _ = check_calendar(response.content, "PUBLISH")
    vevent = only_event(calendar)
    assert str(vevent["UID"]) == f"event-{event['id']}@testserver.local"
    assert utc(vevent["DTSTART"].dt) == event["starts_at"]
    assert JOIN_URL.encode() not in response.content and b"meet.example.org" not in response.content


async def test_drafts_and_unknown_events_have_no_download(client, organiser):
    draft = await make_event(organiser, slug="concept", status="draft")
    for path in (f"/events/{draft['slug']}/event.ics", "/events/bestaat-niet/event.ics", f"/events/{draft['slug']}/programme.ics"):
        response = await client.get(path)
        assert response.status_code == 404, path


async def test_programme_download_has_each_session_and_no_join_url(client, organiser):
    event = await make_event(organiser)
    assert (await client.get(f"/events/{event['slug']}/programme.ics")).status_code == 404  # no sessions yet
    speaker = await accounts.create_user("onderzoeker@universiteit.nl", "speaker", name="Ada Onderzoeker")
    start = event["starts_at"]
    for i, title in enumerate(("Opening door de dagvoorzitter", "Panel: drie onderzoekers", "Quizronde")):
        session = Session(event=event["id"], title=title, kind="talk", room="Zaal 2",
                          starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i, minutes=45))
        await session.save()
        if i == 1:
            await SessionSpeaker(session=session.id, speaker=speaker.id).save()
    response = await client.get(f"/events/{event['slug']}/programme.ics")
    assert response.status_code == 200 and response.headers["content-type"] == CALENDAR_TYPE
    calendar, _ = check_calendar(response.content, "PUBLISH")
    sessions = calendar.walk("VEVENT")
    assert [str(s["SUMMARY"]) for s in sessions] == ["Opening door de dagvoorzitter", "Panel: drie onderzoekers", "Quizronde"]
    assert all(s["DTSTART"].params["TZID"] == "Europe/Amsterdam" for s in sessions)
    assert "Ada Onderzoeker" in str(sessions[1]["DESCRIPTION"])
    assert b"onderzoeker@universiteit.nl" not in response.content  # speakers' addresses are not public
    assert b"meet.example.org" not in response.content


async def test_feed_lists_published_and_cancelled_events_filters_by_kind_and_hides_drafts(client, organiser):
    conference = await make_event(organiser)
    webinar = await make_event(organiser, slug="webinar-integrale-veiligheid", kind="webinar", format="online",
                               title="Webinar integrale veiligheid", starts_at=datetime(2027, 1, 21, 12, 0, tzinfo=UTC),
                               ends_at=datetime(2027, 1, 21, 14, 0, tzinfo=UTC))
    cancelled = await make_event(organiser, slug="festival", kind="festival", status="cancelled", sequence=2, title="Festival")
    await make_event(organiser, slug="concept", status="draft", title="Concept")
    await make_event(organiser, slug="lang-geleden", title="Oud", starts_at=NOW - timedelta(days=400), ends_at=NOW - timedelta(days=400) + timedelta(hours=2))

    response = await client.get("/calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"] == CALENDAR_TYPE
    assert "events_csrf" not in response.headers.get("set-cookie", "")
    calendar, _ = check_calendar(response.content, "PUBLISH")
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert sorted(uids) == sorted(f"event-{e['id']}@testserver.local" for e in (conference, webinar, cancelled))
    assert len(set(uids)) == 3
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    gone = by_uid[f"event-{cancelled['id']}@testserver.local"]
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 2
    assert str(calendar["X-WR-CALNAME"]) == "Evenementen over weerbare overheid"  # Dutch first
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert b"meet.example.org" not in response.content and b"Concept" not in response.content

    webinars = await client.get("/calendar.ics?kind=webinar")
    calendar, _ = check_calendar(webinars.content, "PUBLISH")
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"event-{webinar['id']}@testserver.local"]
    assert str(calendar["X-WR-CALNAME"]) == "Webinars over weerbare overheid"

    bad = await client.get("/calendar.ics?kind=<script>")
    assert bad.status_code == 400
    assert b"<script>" not in bad.content


async def test_feed_answers_conditional_requests_with_304_until_something_changes(client, organiser):
    event = await make_event(organiser)
    first = await client.get("/calendar.ics")
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    assert "max-age" in first.headers["cache-control"]

    again = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = await client.get("/calendar.ics", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    since = await client.get("/calendar.ics", headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    other = await client.get("/calendar.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content
    older = format_datetime(event["updated_at"] - timedelta(days=1), usegmt=True)
    assert (await client.get("/calendar.ics", headers={"If-Modified-Since": older})).status_code == 200
    assert (await client.get("/calendar.ics", headers={"If-Modified-Since": "not a date"})).status_code == 200

    # the organiser moves the event: the feed changes, and so do its validators
    later = event["updated_at"] + timedelta(minutes=5)
    await Event.update({Event.starts_at: event["starts_at"] + timedelta(hours=1), Event.sequence: 1, Event.updated_at: later}).where(Event.id == event["id"])
    changed = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert (await client.get("/calendar.ics", headers={"If-Modified-Since": last_modified})).status_code == 200
    vevent = only_event(check_calendar(changed.content, "PUBLISH")[0])
    assert int(vevent["SEQUENCE"]) == 1


async def test_event_download_supports_conditional_get(client, organiser):
    event = await make_event(organiser)
    first = await client.get(f"/events/{event['slug']}/event.ics")
    assert (await client.get(f"/events/{event['slug']}/event.ics", headers={"If-None-Match": first.headers["etag"]})).status_code == 304


async def test_event_page_offers_download_and_webcal_subscription(client, organiser):
    event = await make_event(organiser, kind="webinar")
    response = await client.get(f"/events/{event['slug']}")
    assert response.status_code == 200
    html = response.text
    assert f'href="/events/{event["slug"]}/event.ics"' in html
    assert 'href="webcal://testserver.local/calendar.ics"' in html
    assert 'href="webcal://testserver.local/calendar.ics?kind=webinar"' in html
    assert "Zet in uw agenda" in html
    assert f"/events/{event['slug']}/programme.ics" not in html  # no sessions, no programme link
    assert JOIN_URL not in html


async def test_calendar_polls_leave_no_cookie_and_no_session_behind(client, organiser, settings):
    event = await make_event(organiser)
    for path in ("/calendar.ics", f"/events/{event['slug']}/event.ics", "/calendar.ics?kind=webinar"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "set-cookie" not in response.headers, path
    sessions = settings.data_dir / "sessions"
    assert not sessions.exists() or not any(sessions.iterdir())


async def test_programme_last_modified_moves_with_session_and_speaker_changes_and_deletions(client, organiser, clock):
    from events.programme import service as programme

    event = await make_event(organiser)
    await Event.update({Event.updated_at: clock.now(), Event.created_at: clock.now()}).where(Event.id == event["id"])
    first = await programme.create_session(
        event, {"title": "Opening", "starts_at": event["starts_at"], "ends_at": event["starts_at"] + timedelta(hours=1)}, clock.now()
    )
    second = await programme.create_session(
        event, {"title": "Workshop", "starts_at": event["starts_at"] + timedelta(hours=1),
                "ends_at": event["starts_at"] + timedelta(hours=2)}, clock.now()
    )
    path = f"/events/{event['slug']}/programme.ics"

    async def stamp() -> str:
        response = await client.get(path)
        assert response.status_code == 200
        return response.headers["last-modified"]

    async def changed_since(previous: str) -> bool:
        return (await client.get(path, headers={"If-Modified-Since": previous})).status_code == 200

    before = await stamp()
    clock.advance(minutes=5)
    await programme.update_session(event, first["id"], {"room": "Zaal 2"}, clock.now())
    assert await changed_since(before)
    before = await stamp()
    clock.advance(minutes=5)
    added = await programme.add_speaker(event, second["id"], "spreker@gemeente.example", clock.now(), "Sam Spreker")
    assert await changed_since(before)
    before = await stamp()
    clock.advance(minutes=5)
    await programme.update_speaker_profile(event, added.speaker_id, {"name": "Sam de Spreker"}, clock.now())
    assert await changed_since(before)
    before = await stamp()
    clock.advance(minutes=5)
    await programme.remove_speaker(event, second["id"], added.speaker_id, clock.now())
    assert await changed_since(before)
    before = await stamp()
    clock.advance(minutes=5)
    await programme.delete_session(event, second["id"], clock.now())  # a deletion leaves no row to date
    assert await changed_since(before)
    assert not await changed_since(await stamp())  # and nothing else changed: 304 again


async def test_every_calendar_file_names_an_organizer_by_one_rule(client, organiser, settings):
    """RFC 5546 §3.2.1: PUBLISH needs ORGANIZER. The event's contact address, else its organisation's, else the
    sender address — in the download, the programme, the feed and the invitation alike."""
    from email.utils import parseaddr  # noqa: PLC0415 - only this test reads the sender address

    from events.organisations.tables import Organisation  # noqa: PLC0415 - only this test changes an organisation

    event = await make_event(organiser, contact_email="", contact_name="")
    await Session.insert(Session(event=event["id"], title="Opening", starts_at=event["starts_at"], ends_at=event["ends_at"]))

    async def organizers() -> set[str]:
        found = set()
        for path in (f"/events/{event['slug']}/event.ics", f"/events/{event['slug']}/programme.ics", "/calendar.ics"):
            response = await client.get(path)
            assert response.status_code == 200, path
            calendar, _ = check_calendar(response.content, "PUBLISH")
            found |= {str(e["ORGANIZER"]) for e in calendar.walk("VEVENT")}
        return found

    assert await organizers() == {f"mailto:{parseaddr(settings.mail_from)[1]}"}
    await Organisation.update({Organisation.contact_email: "team@gemeente.nl"}).where(Organisation.id == event["organisation"])
    assert await organizers() == {"mailto:team@gemeente.nl"}
    await Event.update({Event.contact_email: "webinar@gemeente.nl"}).where(Event.id == event["id"])
    assert await organizers() == {"mailto:webinar@gemeente.nl"}
