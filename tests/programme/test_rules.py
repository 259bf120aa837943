"""The programme's rules in the service: validation messages, slugs, sequence, sanitising, sessions, speakers."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from events.accounts import service as accounts
from events.accounts.tables import PersonalLink
from events.ical import build
from events.ical.build import MAX_ALARM_MINUTES, MAX_ALARMS, MIN_ALARM_MINUTES
from events.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from events.programme import service as programme
from events.programme.service import listeners
from events.programme.tables import Event, Session
from tests.conftest import NOW
from tests.programme.helpers import END, JOIN_URL, START, event_data, make_event


def violation(data: dict) -> dict[str, str]:
    with pytest.raises(RuleViolation) as caught:
        programme.clean_event(data)
    return caught.value.errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter a title"),
        ({"title": "x" * 201}, "title", "The title may be at most 200 characters long"),
        ({"kind": "party"}, "kind", "Choose conference, webinar or festival"),
        ({"format": "virtual"}, "format", "Choose online, onsite or hybrid"),
        ({"starts_at": ""}, "starts_at", "Enter when the event starts"),
        ({"ends_at": None}, "ends_at", "Enter when the event ends"),
        ({"starts_at": "morgen"}, "starts_at", "Enter a date and time, such as 2026-12-06 09:30"),
        ({"ends_at": START}, "ends_at", "The end must be after the start"),
        ({"ends_at": START - timedelta(hours=1)}, "ends_at", "The end must be after the start"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a valid time zone, such as Europe/Amsterdam"),
        ({"timezone": "../../etc/passwd"}, "timezone", "Choose a valid time zone, such as Europe/Amsterdam"),
        ({"join_url": ""}, "join_url", "An online or hybrid event needs a join URL"),
        ({"format": "hybrid", "join_url": "", "venue": "Gouda"}, "join_url", "An online or hybrid event needs a join URL"),
        ({"join_url": "javascript:alert(1)"}, "join_url", "Enter a web address that starts with https:// or http://"),
        ({"join_url": "ftp://files.example.org/x"}, "join_url", "Enter a web address that starts with https:// or http://"),
        ({"join_url": "https://"}, "join_url", "Enter a web address that starts with https:// or http://"),
        ({"format": "onsite", "venue": ""}, "venue", "An onsite or hybrid event needs a venue"),
        ({"format": "hybrid", "venue": " "}, "venue", "An onsite or hybrid event needs a venue"),
        ({"capacity": 0}, "capacity", "The capacity must be at least 1, or empty for no limit"),
        ({"capacity": "-3"}, "capacity", "The capacity must be at least 1, or empty for no limit"),
        ({"capacity": "veel"}, "capacity", "Enter a whole number of places, or leave it empty for no limit"),
        ({"capacity": 2.5}, "capacity", "Enter a whole number of places, or leave it empty for no limit"),
        ({"registration_opens_at": START - timedelta(days=1), "registration_closes_at": START - timedelta(days=2)},
         "registration_closes_at", "Registration must close after it opens"),
        ({"registration_closes_at": END + timedelta(hours=1)}, "registration_closes_at", "Registration must close before the event ends"),
        ({"registration_opens_at": END}, "registration_opens_at", "Registration must open before the event ends"),
        ({"contact_email": "geen-adres"}, "contact_email", "Enter a valid e-mail address"),
        ({"reminder_minutes": "een dag"}, "reminder_minutes",
         "Enter at most 5 reminders, each 10 to 40320 minutes (28 days) before the start, separated by commas, such as 1440,60"),
        ({"language": "fr"}, "language", "Choose Dutch or English"),
    ],
)
def test_each_event_rule_names_its_field_and_message(overrides, field, message):
    assert violation(event_data(**overrides))[field] == message


def test_a_valid_event_passes_and_is_normalised():
    values = programme.clean_event(
        event_data(capacity="", contact_email=" Info@Gemeente.NL ", reminder_minutes="1440, 15", approval_required="on")
    )
    assert values["capacity"] is None and values["contact_email"] == "info@gemeente.nl"
    assert values["reminder_minutes"] == "1440,15" and values["approval_required"] is True
    assert values["timezone"] == "Europe/Amsterdam"


@pytest.mark.parametrize(
    "value",
    [
        "een dag", "15,", "-5", "1.5", "0", "15,0",  # not whole minutes before the start
        str(MAX_ALARM_MINUTES + 1), "86400",  # further ahead than the calendar's alarms reach
        ",".join(str(m) for m in range(10, MAX_ALARMS + 11)),  # more alarms than the calendar carries
        "9", "1", "1440,5",  # sooner than a mail reliably reaches the participant before the start
        "²", "١٥",  # digits to str.isdigit, but not the ASCII minutes a calendar reads ("²" used to crash with a 500)
    ],
)
def test_reminders_the_calendar_would_not_carry_are_refused(value):
    assert violation(event_data(reminder_minutes=value))["reminder_minutes"] == programme.REMINDER_RULE


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("", ""),
        (" 1440, 15 ", "1440,15"),
        (str(MAX_ALARM_MINUTES), str(MAX_ALARM_MINUTES)),
        ("10", "10"),
        (",".join(str(m) for m in range(10, MAX_ALARMS + 10)), ",".join(str(m) for m in range(10, MAX_ALARMS + 10))),
        ("15,1440,15", "15,1440"),  # a repeated alarm counts once, as in the calendar
        ("0060", "60"),
    ],
)
def test_reminders_are_stored_exactly_as_the_calendar_carries_them(value, stored):
    values = programme.clean_event(event_data(reminder_minutes=value))
    assert values["reminder_minutes"] == stored
    assert build.reminder_minutes(stored) == [int(m) for m in stored.split(",") if m]


def test_the_reminder_message_states_the_calendar_limits():
    assert f"at most {MAX_ALARMS} reminders" in programme.REMINDER_RULE
    assert f"{MIN_ALARM_MINUTES} to {MAX_ALARM_MINUTES} minutes ({MAX_ALARM_MINUTES // (24 * 60)} days)" in programme.REMINDER_RULE


def test_onsite_event_needs_no_join_url_and_online_no_venue():
    programme.clean_event(event_data(format="onsite", venue="Goudse Schouwburg", join_url=""))
    programme.clean_event(event_data(format="online", venue=""))


def test_times_without_offset_are_read_in_the_event_timezone():
    values = programme.clean_event(event_data(starts_at="2026-12-06T09:30", ends_at="2026-12-06T16:30"))
    assert values["starts_at"] == datetime(2026, 12, 6, 8, 30, tzinfo=UTC)
    values = programme.clean_event(
        event_data(starts_at="2026-12-06T09:30", ends_at="2026-12-06T16:30", timezone="America/Paramaribo")
    )
    assert values["starts_at"] == datetime(2026, 12, 6, 12, 30, tzinfo=UTC)
    values = programme.clean_event(event_data(starts_at="2026-12-06T09:30:00+00:00", ends_at="2026-12-06T16:30Z"))
    assert values["starts_at"] == datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Weerbaarheidsfestival Gouda", "weerbaarheidsfestival-gouda"),
        ("Café Één", "cafe-een"),
        ("  Crisis & Continuïteit: 2027!  ", "crisis-continuiteit-2027"),
        ("Ærø – Tromsø, Straße", "aero-tromso-strasse"),
        ("!!!", "evenement"),
    ],
)
def test_slug_is_made_from_the_title_with_diacritics_folded(title, slug):
    assert programme.slugify(title) == slug


async def test_slugs_are_unique_and_stable_when_the_title_changes(organiser):
    first = await programme.create_event(event_data(title="Weerbaarheidsfestival Gouda"), organiser.id, NOW)
    second = await programme.create_event(event_data(title="Weerbaarheidsfestival  Gouda!"), organiser.id, NOW)
    third = await programme.create_event(event_data(title="Weerbaarheidsfestival Gouda"), organiser.id, NOW)
    assert [first["slug"], second["slug"], third["slug"]] == [
        "weerbaarheidsfestival-gouda", "weerbaarheidsfestival-gouda-2", "weerbaarheidsfestival-gouda-3",
    ]
    await programme.update_event(first, {"title": "Festival in Gouda"}, NOW)
    row = await programme.event_by_id(first["id"])
    assert row["title"] == "Festival in Gouda" and row["slug"] == "weerbaarheidsfestival-gouda"


async def test_sequence_rises_on_each_calendar_change_and_not_on_others(organiser):
    event = await make_event(organiser.id, status="draft", with_session=False)
    assert event["sequence"] == 0

    async def change(**data):
        before = await programme.event_by_id(event["id"])
        changed = await programme.update_event(before, data, NOW)
        after = await programme.event_by_id(event["id"])
        return changed, after["sequence"] - before["sequence"]

    assert await change(title="Nieuwe titel") == ({"title"}, 1)
    assert await change(starts_at=START - timedelta(hours=1)) == ({"starts_at"}, 1)
    assert await change(ends_at=END + timedelta(hours=1)) == ({"ends_at"}, 1)
    assert await change(timezone="Europe/Brussels") == ({"timezone"}, 1)
    assert await change(format="hybrid", venue="Stadhuis Gouda") == ({"format", "venue"}, 1)
    assert await change(venue="Goudse Schouwburg") == ({"venue"}, 1)
    assert await change(join_url="https://meet.example.org/nieuw") == ({"join_url"}, 1)
    # The reminder schedule is the calendar's alarms: a calendar must see the new VALARMs as a new version.
    assert await change(reminder_minutes="60") == ({"reminder_minutes"}, 1)
    assert await change(reminders=[{"minutes_before": 30}, {"minutes_before": 1440}]) == ({"reminder_minutes"}, 1)
    for irrelevant in ({"summary": "Anders"}, {"description": "Meer tekst"}, {"capacity": 20},
                       {"approval_required": True}, {"contact_name": "Iemand"}, {"reminder_minutes": "30,1440"},
                       {"reminders": [{"minutes_before": 30, "text_nl": "Tot zo!"}, {"minutes_before": 1440}]},
                       {"title": "Nieuwe titel"}, {"followup": {"delay_minutes": 30}},
                       {"recordings": [{"url": "https://video.example.org/1", "title": "Opname"}]}):
        assert await change(**irrelevant) == (frozenset(), 0), irrelevant
    for action, status in (("publish", "published"), ("unpublish", "draft"), ("publish", "published"), ("cancel", "cancelled")):
        before = await programme.event_by_id(event["id"])
        row = await programme.change_status(before, action, NOW)
        assert row["status"] == status and row["sequence"] == before["sequence"] + 1
        assert (await programme.event_by_id(event["id"]))["sequence"] == row["sequence"]


async def test_calendar_listeners_hear_changes_inside_the_transaction(organiser):
    heard = []

    async def listener(event, changed, now):
        heard.append((event["id"], set(changed), event["sequence"], now))

    programme.on_calendar_change(listener)
    try:
        event = await make_event(organiser.id, status="draft", with_session=False)
        heard.clear()
        await programme.update_event(event, {"summary": "niet relevant"}, NOW)
        assert heard == []
        await programme.update_event(event, {"title": "Andere titel"}, NOW)
        assert heard == [(event["id"], {"title"}, 1, NOW)]
        await programme.change_status(await programme.event_by_id(event["id"]), "cancel", NOW)
        assert heard[-1][:3] == (event["id"], {"status"}, 2)
    finally:
        listeners._calendar_listeners.remove(listener)


async def test_a_failing_listener_rolls_the_change_back(organiser):
    async def broken(event, changed, now):
        raise RuntimeError("outbox unavailable")

    event = await make_event(organiser.id, status="draft", with_session=False)
    programme.on_calendar_change(broken)
    try:
        with pytest.raises(RuntimeError):
            await programme.update_event(event, {"title": "Niet opgeslagen"}, NOW)
    finally:
        listeners._calendar_listeners.remove(broken)
    row = await programme.event_by_id(event["id"])
    assert row["title"] == "Weerbare organisatie" and row["sequence"] == 0


async def test_status_transitions_refuse_what_makes_no_sense(organiser):
    event = await make_event(organiser.id, status="draft", with_session=False)
    with pytest.raises(Conflict):
        await programme.change_status(event, "unpublish", NOW)
    cancelled = await programme.change_status(event, "cancel", NOW)
    with pytest.raises(Conflict):
        await programme.change_status(cancelled, "cancel", NOW)
    with pytest.raises(NotFound):
        await programme.change_status(cancelled, "delete", NOW)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


HOSTILE = (
    "# Kop\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
    "[klik](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) "
    "<a href=\"https://x.example\" onclick=\"steal()\">a</a>\n\n**vet** [veilig](https://example.org)"
)


def assert_harmless(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag not in ("script", "img", "iframe", "style", "object"), tag
        assert not any(name.startswith("on") for name in attrs), attrs
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("https:", "http:", "mailto:")), href


def test_hostile_markdown_is_sanitised():
    html = programme.render_markdown(HOSTILE)
    assert_harmless(html)
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text, never run
    assert "<strong>vet</strong>" in html and "<h2>Kop</h2>" in html
    assert ("a", {"href": "https://example.org", "rel": "noopener noreferrer nofollow"}) in tags_of(html)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"kind": "keynote"}, "kind", "Choose talk, panel, workshop, quiz or break"),
        ({"starts_at": None}, "starts_at", "Enter when the session starts"),
        ({"ends_at": ""}, "ends_at", "Enter when the session ends"),
        ({"ends_at": START}, "ends_at", "The end must be after the start"),
        ({"starts_at": START - timedelta(minutes=1)}, "starts_at", "A session must lie within the start and end of its event"),
        ({"ends_at": END + timedelta(minutes=1)}, "starts_at", "A session must lie within the start and end of its event"),
    ],
)
async def test_each_session_rule_names_its_field_and_message(organiser, data, field, message):
    event = await make_event(organiser.id, with_session=False)
    base = {"title": "Keynote", "kind": "talk", "starts_at": START, "ends_at": START + timedelta(hours=1)}
    with pytest.raises(RuleViolation) as caught:
        await programme.create_session(event, {**base, **data}, NOW)
    assert caught.value.errors[field] == message
    assert await Session.count() == 0


async def test_moving_the_event_away_from_its_sessions_is_refused(organiser):
    event = await make_event(organiser.id)
    with pytest.raises(RuleViolation) as caught:
        await programme.update_event(event, {"starts_at": START + timedelta(hours=2)}, NOW)
    assert caught.value.errors["starts_at"] == "Some sessions would fall outside the event: move them first"
    assert (await programme.event_by_id(event["id"]))["starts_at"] == START


async def test_sessions_of_another_event_are_not_found(organiser):
    one = await make_event(organiser.id)
    other = await make_event(organiser.id, title="Ander evenement")
    session_id = (await programme.sessions_of(one["id"]))[0]["id"]
    with pytest.raises(NotFound):
        await programme.update_session(other, session_id, {"title": "kaping"}, NOW)
    with pytest.raises(NotFound):
        await programme.delete_session(other, session_id, NOW)
    with pytest.raises(NotFound):
        await programme.add_speaker(other, session_id, "x@example.org", NOW)


async def _live_links(user_id: int) -> list[dict]:
    return await PersonalLink.select().where((PersonalLink.user == user_id) & PersonalLink.revoked_at.is_null())


async def test_adding_a_speaker_creates_or_reuses_the_account_and_gives_one_link(organiser, speaker):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    added = await programme.add_speaker(event, session_id, "Nieuw@Example.org", NOW, "Nina Nieuw", "Gemeente Gouda")
    assert added.email == "nieuw@example.org" and not hasattr(added, "token")
    account = await accounts.user_by_email("nieuw@example.org")
    assert account.role == "speaker" and added.speaker_id == account.id
    links = await _live_links(account.id)
    assert len(links) == 1 and links[0]["organisation"] == event["organisation"]
    await programme.add_speaker(event, session_id, "nieuw@example.org", NOW)
    assert len(await _live_links(account.id)) == 1  # the first link is still valid
    assert len(await programme.speakers_of_session(session_id)) == 1
    reused = await programme.add_speaker(event, session_id, speaker.email, NOW)
    assert reused.speaker_id == speaker.id
    assert [s.id for s in await programme.speakers_of_session(session_id)] == [account.id, speaker.id]


async def test_a_new_link_revokes_the_old_one(organiser):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    added = await programme.add_speaker(event, session_id, "spreker@example.org", NOW)
    old = await _live_links(added.speaker_id)
    fresh = await programme.new_speaker_link(event, added.speaker_id, NOW)
    assert await PersonalLink.select(PersonalLink.revoked_at).where(PersonalLink.id == old[0]["id"]).first() == {"revoked_at": NOW}
    signed_in = await accounts.user_for_personal_link(fresh, NOW)
    assert signed_in.id == added.speaker_id and signed_in.link_organisation == event["organisation"]


async def test_no_personal_link_for_organiser_or_admin_accounts(organiser, other_organiser, admin):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    for account in (other_organiser, admin):
        added = await programme.add_speaker(event, session_id, account.email, NOW)
        assert added.speaker_id == account.id
        with pytest.raises(Forbidden):
            await programme.new_speaker_link(event, account.id, NOW)
        assert await PersonalLink.count().where(PersonalLink.user == account.id) == 0


async def test_new_link_only_for_speakers_of_this_event(organiser, speaker):
    event = await make_event(organiser.id)
    with pytest.raises(NotFound):
        await programme.new_speaker_link(event, speaker.id, NOW)


async def test_speaker_rules(organiser):
    event = await make_event(organiser.id)
    session_id = (await programme.sessions_of(event["id"]))[0]["id"]
    with pytest.raises(RuleViolation) as caught:
        await programme.add_speaker(event, session_id, "geen adres", NOW)
    assert caught.value.errors == {"email": "Enter a valid e-mail address"}


async def test_agenda_is_grouped_by_day_in_the_event_timezone(organiser):
    event = await make_event(
        organiser.id, with_session=False,
        starts_at=datetime(2026, 12, 6, 21, 0, tzinfo=UTC), ends_at=datetime(2026, 12, 7, 12, 0, tzinfo=UTC),
    )
    late = await programme.create_session(
        event, {"title": "Laat", "starts_at": datetime(2026, 12, 6, 23, 30, tzinfo=UTC), "ends_at": datetime(2026, 12, 7, 0, 30, tzinfo=UTC)}, NOW
    )
    early = await programme.create_session(
        event, {"title": "Vroeg", "starts_at": datetime(2026, 12, 6, 21, 0, tzinfo=UTC), "ends_at": datetime(2026, 12, 6, 22, 0, tzinfo=UTC)}, NOW
    )
    days = programme.agenda_by_day(await programme.public_agenda(event), "Europe/Amsterdam")
    # 23:30 UTC is already 7 December in Amsterdam.
    assert [(str(day), [s["id"] for s in sessions]) for day, sessions in days] == [
        ("2026-12-06", [early["id"]]), ("2026-12-07", [late["id"]]),
    ]


async def test_nothing_half_written_when_creating_fails(organiser):
    with pytest.raises(RuleViolation):
        await programme.create_event(event_data(join_url=""), organiser.id, NOW)
    assert await Event.count() == 0


def test_join_url_is_not_among_the_public_columns():
    assert "join_url" not in {c._meta.name for c in programme.PUBLIC_EVENT_COLUMNS}
    assert JOIN_URL.startswith("https://")
