"""The .ics builders: downloads, programme, feed, invitations (request, update, cancel), DST edges, bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.ical.build import (
    build_event_download,
    build_feed,
    build_personal_feed,
    build_programme,
    ensure_folded,
    fold_line,
    reminder_minutes,
)
from events.ical.invitations import InvitationError, build_invitation
from tests.ical.checks import JOIN_URL, check_bytes, check_calendar, only_event, utc

BASE = "https://events.example.nl"
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def event_row(**values) -> dict:
    row = {
        "id": 7,
        "slug": "weerbare-organisatie",
        "kind": "conference",
        "format": "hybrid",
        "status": "published",
        "title": "Weerbare organisatie — één dag over continuïteit, bewustzijn en 😀",
        "summary": "Een digitale conferentie over de weerbare organisatie; met dagvoorzitter, cartoonist en quiz. " * 3,
        "description": "",
        "starts_at": datetime(2026, 12, 6, 8, 30, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 6, 16, 0, tzinfo=UTC),
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "venue": "Jaarbeurs, Utrecht",
        "join_url": JOIN_URL,
        "reminder_minutes": "1440,15",
        "organiser": 1,
        "contact_name": "Olga Organisator",
        "contact_email": "events@gemeente.nl",
        "sequence": 3,
        "created_at": datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 10, 2, 12, 0, tzinfo=UTC),
    }
    row.update(values)
    return row


PARTICIPANT = {"id": 11, "name": "Piet de Vries-Ünal", "email": "piet@gemeente-utrecht.nl", "language": "nl", "status": "confirmed"}


def test_event_download_is_one_publish_vevent_with_tzid_alarms_and_no_join_url():
    data = build_event_download(event_row(), BASE)
    calendar, vcal = check_calendar(data, "PUBLISH")
    event = only_event(calendar)
    assert str(event["UID"]) == "event-7@events.example.nl"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert utc(event["DTSTART"].dt) == datetime(2026, 12, 6, 8, 30, tzinfo=UTC)
    assert b"DTSTART;TZID=Europe/Amsterdam:20261206T093000\r\n" in data
    assert int(event["SEQUENCE"]) == 3
    assert str(event["LOCATION"]) == "Jaarbeurs, Utrecht"
    triggers = sorted(alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(days=-1), timedelta(minutes=-15)]
    assert len(vcal.vevent.contents["valarm"]) == 2
    assert JOIN_URL.encode() not in data and b"meet.example.org" not in data
    assert "CONFERENCE" not in event


def test_public_download_drops_the_join_url_even_if_the_row_has_it_for_online_events():
    data = build_event_download(event_row(format="online", venue=""), BASE)
    event = only_event(check_calendar(data, "PUBLISH")[0])
    assert str(event["LOCATION"]) == "Online"
    assert b"meet.example.org" not in data


def test_lines_fold_at_75_octets_between_whole_utf8_characters():
    long_title = "Continuïteit én weerbaarheid 😀 " * 12
    data = build_event_download(event_row(title=long_title, summary="ë" * 300), BASE)
    check_bytes(data)
    calendar, vcal = check_calendar(data, "PUBLISH")
    assert str(only_event(calendar)["SUMMARY"]) == long_title
    assert vcal.vevent.summary.value == long_title
    assert "\ufffd" not in data.decode("utf-8")


def test_refolding_never_splits_a_character_or_an_escape():
    line = "DESCRIPTION:" + "é😀\\,x" * 60
    folded = fold_line(line)
    check_bytes(folded)
    assert b"\\\r\n" not in folded  # never a fold right after a backslash
    assert folded.replace(b"\r\n ", b"").rstrip(b"\r\n").decode() == line
    # a regressed writer (bare LF, over-long lines) is repaired by ensure_folded
    bad = ("BEGIN:VCALENDAR\n" + line + "\nEND:VCALENDAR\n").encode()
    repaired = ensure_folded(bad)
    check_bytes(repaired)
    assert repaired.replace(b"\r\n ", b"").split(b"\r\n")[1].decode() == line


def test_programme_has_one_vevent_per_session_in_the_event_timezone():
    event = event_row()
    sessions = [
        {"id": 100 + i, "title": title, "abstract": "Over weerbaarheid", "kind": kind, "room": "Zaal 1", "track": "",
         "starts_at": datetime(2026, 12, 6, 8 + i, 30, tzinfo=UTC), "ends_at": datetime(2026, 12, 6, 9 + i, 15, tzinfo=UTC)}
        for i, (title, kind) in enumerate([("Opening", "talk"), ("Panel met drie onderzoekers", "panel"), ("Quiz", "quiz")])
    ]
    data = build_programme(event, sessions, {101: ["Ada Onderzoeker", "Bram Bestuurder"]}, BASE)
    calendar, vcal = check_calendar(data, "PUBLISH")
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Opening", "Panel met drie onderzoekers", "Quiz"]
    assert len({str(e["UID"]) for e in events}) == 3
    assert all(e["DTSTART"].params["TZID"] == "Europe/Amsterdam" for e in events)
    assert "Ada Onderzoeker" in str(events[1]["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]) == event["title"]
    assert b"meet.example.org" not in data


def test_feed_names_itself_refreshes_hourly_has_unique_uids_and_keeps_cancelled_events():
    events = [
        event_row(),
        event_row(id=8, slug="webinar", kind="webinar", format="online", status="cancelled", sequence=5, title="Webinar integrale veiligheid"),
        event_row(id=7),  # the same event twice must not give a duplicate UID
    ]
    data = build_feed(events, BASE, name="Evenementen over weerbare overheid")
    calendar, vcal = check_calendar(data, "PUBLISH")
    assert str(calendar["X-WR-CALNAME"]) == "Evenementen over weerbare overheid" == str(calendar["NAME"])
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert uids == ["event-7@events.example.nl", "event-8@events.example.nl"]
    cancelled = calendar.walk("VEVENT")[1]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 5
    assert b"meet.example.org" not in data
    assert not calendar.walk("VALARM")  # a public feed does not ring on every subscriber's phone


def test_feed_bytes_are_stable_for_the_same_data():
    assert build_feed([event_row()], BASE, name="x") == build_feed([event_row()], BASE, name="x")


def test_request_invitation_has_organizer_attendee_uid_sequence_manage_link_and_conference():
    data = build_invitation(event_row(), PARTICIPANT, "REQUEST", BASE, NOW, manage_token="tok-123")
    calendar, vcal = check_calendar(data, "REQUEST")
    event = only_event(calendar)
    assert str(event["UID"]) == "event-7@events.example.nl"
    assert int(event["SEQUENCE"]) == 3
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:events@gemeente.nl" and organizer.params["CN"] == "Olga Organisator"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:piet@gemeente-utrecht.nl"
    assert attendee.params["PARTSTAT"] == "ACCEPTED" and attendee.params["RSVP"] == "FALSE"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT" and attendee.params["CN"] == "Piet de Vries-Ünal"
    assert vcal.vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert f"{BASE}/registrations/tok-123" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == JOIN_URL
    conference = event["CONFERENCE"]
    assert str(conference) == JOIN_URL and conference.params["VALUE"] == "URI"
    assert JOIN_URL in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert utc(event["DTSTAMP"].dt) == NOW
    assert len(event.walk("VALARM")) == 2


def test_online_invitation_puts_the_join_url_in_location():
    data = build_invitation(event_row(format="online", venue=""), PARTICIPANT, "REQUEST", BASE, NOW)
    event = only_event(check_calendar(data, "REQUEST")[0])
    assert str(event["LOCATION"]) == JOIN_URL


def test_update_keeps_the_uid_and_raises_the_sequence():
    first = only_event(check_calendar(build_invitation(event_row(), PARTICIPANT, "REQUEST", BASE, NOW), "REQUEST")[0])
    moved = event_row(sequence=4, starts_at=datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    update = only_event(check_calendar(build_invitation(moved, PARTICIPANT, "REQUEST", BASE, NOW + timedelta(hours=1)), "REQUEST")[0])
    assert str(update["UID"]) == str(first["UID"])
    assert int(update["SEQUENCE"]) > int(first["SEQUENCE"])
    assert utc(update["DTSTART"].dt) == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("event_status, registration_status", [("published", "cancelled"), ("cancelled", "confirmed")])
def test_cancel_has_status_cancelled_no_alarm_and_no_join_url(event_status, registration_status):
    data = build_invitation(
        event_row(status=event_status, sequence=4), {**PARTICIPANT, "status": registration_status}, "CANCEL", BASE, NOW
    )
    calendar, _vcal = check_calendar(data, "CANCEL")
    event = only_event(calendar)
    assert str(event["UID"]) == "event-7@events.example.nl" and int(event["SEQUENCE"]) == 4
    assert b"BEGIN:VALARM" not in data
    assert b"meet.example.org" not in data


def test_invitation_without_contact_address_uses_the_organiser_never_a_no_reply():
    with pytest.raises(InvitationError):
        build_invitation(event_row(contact_email=""), PARTICIPANT, "REQUEST", BASE, NOW)
    data = build_invitation(event_row(contact_email="", contact_name=""), PARTICIPANT, "REQUEST", BASE, NOW,
                            organiser_email="olga@gemeente.nl", organiser_name="Olga")
    organizer = only_event(check_calendar(data, "REQUEST")[0])["ORGANIZER"]
    assert str(organizer) == "mailto:olga@gemeente.nl" and organizer.params["CN"] == "Olga"
    with pytest.raises(InvitationError):
        build_invitation(event_row(), PARTICIPANT, "PUBLISH", BASE, NOW)


# -- DST edges ---------------------------------------------------------------------------------------------------
# On Sunday 25 October 2026 Amsterdam goes from CEST (+02) to CET (+01) at 03:00, so 02:30 happens twice.
# RFC 5545 §3.3.5 reads "DTSTART;TZID=…:20261025T023000" as the FIRST 02:30 (00:30 UTC). That is the one an
# organiser typing "02:30" gets (zoneinfo fold=0) and we write it with TZID; an instant in the SECOND 02:30
# (01:30 UTC) cannot be said with TZID and is written in UTC.
DST_CASES = [
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), b"DTSTART;TZID=Europe/Amsterdam:20261025T023000\r\n"),
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), b"DTSTART:20261025T013000Z\r\n"),
    (datetime(2026, 7, 2, 11, 0, tzinfo=UTC), b"DTSTART;TZID=Europe/Amsterdam:20260702T130000\r\n"),  # summer, CEST
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), b"DTSTART;TZID=Europe/Amsterdam:20260329T033000\r\n"),  # just after spring forward
    (datetime(2027, 1, 21, 12, 0, tzinfo=UTC), b"DTSTART;TZID=Europe/Amsterdam:20270121T130000\r\n"),  # winter, CET
]


@pytest.mark.parametrize("start, line", DST_CASES)
def test_dst_edges_come_out_at_the_right_utc_instant_in_both_parsers(start, line):
    row = event_row(starts_at=start, ends_at=start + timedelta(hours=2))
    for data, method in (
        (build_event_download(row, BASE), "PUBLISH"),
        (build_invitation(row, PARTICIPANT, "REQUEST", BASE, NOW), "REQUEST"),
    ):
        assert line in data
        calendar, vcal = check_calendar(data, method)  # compares icalendar and vobject instants
        assert utc(only_event(calendar)["DTSTART"].dt) == start
        assert utc(vcal.vevent.dtstart.value) == start
        assert utc(vcal.vevent.dtend.value) == start + timedelta(hours=2)


def test_utc_events_need_no_vtimezone():
    data = build_event_download(event_row(timezone="UTC"), BASE)
    calendar, _ = check_calendar(data, "PUBLISH")
    assert not calendar.walk("VTIMEZONE")
    assert b"DTSTART:20261206T083000Z\r\n" in data


def test_other_zones_get_their_own_vtimezone():
    data = build_event_download(event_row(timezone="America/New_York"), BASE)
    calendar, vcal = check_calendar(data, "PUBLISH")
    assert b"DTSTART;TZID=America/New_York:20261206T033000\r\n" in data
    assert utc(vcal.vevent.dtstart.value) == datetime(2026, 12, 6, 8, 30, tzinfo=UTC)


def test_personal_feed_shows_join_url_only_for_confirmed_registrations():
    confirmed = (event_row(), {**PARTICIPANT, "status": "confirmed"})
    waiting = (event_row(id=9, slug="festival", join_url="https://meet.example.org/other"), {**PARTICIPANT, "id": 12, "status": "waitlisted"})
    data = build_personal_feed([confirmed, waiting], BASE, manage_link=lambda r: None, name="Mijn evenementen")
    calendar, _ = check_calendar(data, "PUBLISH")
    first, second = calendar.walk("VEVENT")
    assert JOIN_URL in str(first["DESCRIPTION"])
    assert "meet.example.org/other" not in data.decode()
    assert str(second["STATUS"]) == "TENTATIVE"
    assert len({str(e["UID"]) for e in (first, second)}) == 2


def test_reminder_minutes_are_parsed_defensively():
    assert reminder_minutes("1440,15") == [1440, 15]
    assert reminder_minutes(" 15 ; 15,abc,-5,0,60") == [15, 60]
    assert reminder_minutes("") == [] and reminder_minutes(None) == []


def test_bad_rows_still_give_a_valid_calendar():
    unknown_zone = build_event_download(event_row(timezone="Mars/Olympus_Mons"), BASE)
    assert b"DTSTART:20261206T083000Z\r\n" in unknown_zone and b"BEGIN:VTIMEZONE" not in unknown_zone
    check_calendar(unknown_zone, "PUBLISH")
    same = datetime(2026, 12, 6, 8, 30, tzinfo=UTC)
    moment = build_event_download(event_row(starts_at=same, ends_at=same), BASE)
    assert b"DTEND" not in moment  # never a DTEND that is not after DTSTART
