"""Remembered reads (events.kernel.content_versions.remembered): an answer is given again only while the counters
it depends on stand still; any change, by any code path, shows at the next call; callers get their own copies;
inside a transaction nothing is remembered; and the manage page, which reads this way, shows every kind of change
at the next request."""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta

from events.kernel import content_versions
from events.kernel.content_versions import PROGRAMME, remembered
from events.kernel.database import write_transaction
from events.programme import service as programme
from events.programme.tables import Event
from events.registration import service as registration
from events.registration.service import Applicant
from tests.conftest import NOW

READS: list[int] = []


@remembered(PROGRAMME)
async def titles(event_ids: list[int]) -> list[dict]:
    READS.append(1)
    return await Event.select(Event.id, Event.title).where(Event.id.is_in(event_ids)).order_by(Event.id)


async def test_an_answer_is_remembered_until_its_content_changes(engine, make_event):
    READS.clear()
    event = await make_event()
    assert (await titles([event["id"]]))[0]["title"] == event["title"]
    assert (await titles([event["id"]]))[0]["title"] == event["title"]
    assert len(READS) == 1  # the second call was answered from memory
    await Event.raw("UPDATE programme_event SET title = 'Gewijzigd via SQL'")  # past every service: the trigger
    assert (await titles([event["id"]]))[0]["title"] == "Gewijzigd via SQL"
    assert len(READS) == 2


async def test_callers_get_their_own_copies(engine, make_event):
    event = await make_event()
    first = await titles([event["id"]])
    first[0]["title"] = "door een aanroeper veranderd"
    first.append({"id": 0})
    again = await titles([event["id"]])
    assert again == [{"id": event["id"], "title": event["title"]}]
    again[0]["title"] = "weer veranderd"
    assert (await titles([event["id"]]))[0]["title"] == event["title"]


@remembered(PROGRAMME)
async def nested(event_id: int) -> dict:
    return {"id": event_id, "sessions": [{"title": "A", "speakers": ["Pim"]}], "extra": OrderedDict(note=["x"])}


async def test_copies_reach_into_nested_rows_lists_and_dict_subclasses(engine, make_event):
    """Columns are shared as they are (immutable); every dict and list at any depth is the caller's own."""
    event = await make_event()
    first = await nested(event["id"])
    first["sessions"][0]["speakers"].append("door een aanroeper toegevoegd")
    first["sessions"][0]["title"] = "veranderd"
    first["extra"]["note"].append("y")
    again = await nested(event["id"])
    assert again == {"id": event["id"], "sessions": [{"title": "A", "speakers": ["Pim"]}], "extra": {"note": ["x"]}}


@remembered(PROGRAMME)
async def one_title(event_id: int) -> dict:
    return await Event.select(Event.id, Event.title).where(Event.id == event_id).first()


async def test_a_single_row_is_the_callers_own_copy_too(engine, make_event):
    event = await make_event()
    first = await one_title(event["id"])
    first["title"] = "door een aanroeper veranderd"
    first["extra"] = 1
    assert await one_title(event["id"]) == {"id": event["id"], "title": event["title"]}


async def test_inside_a_transaction_nothing_is_remembered(engine, make_event):
    READS.clear()
    event = await make_event()
    before = await content_versions.read(engine)
    try:
        async with write_transaction(engine):
            await Event.update({Event.title: "Nooit bewaard"}).where(Event.id == event["id"])
            assert (await titles([event["id"]]))[0]["title"] == "Nooit bewaard"  # its own transaction's view
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert await content_versions.read(engine) == before  # the counter went back with the change
    assert (await titles([event["id"]]))[0]["title"] == event["title"]  # not the rolled-back answer
    assert len(READS) == 2


async def _registered(make_event, site, **values) -> tuple[dict, str]:
    event = await make_event(**values)
    outcome = await registration.register(event["slug"], Applicant(name="Pim", email="pim@gemeente.nl"), NOW, site)
    return event, outcome.token


async def test_the_manage_page_reads_its_event_sessions_and_questions_through_remembered_reads(client, make_event, site, app):
    from tests.web.test_query_counts import counting

    event, token = await _registered(make_event, site)
    await client.get(f"/registrations/{token}")  # the first visit reads them
    with counting(app.state.engine) as counted:
        assert (await client.get(f"/registrations/{token}")).status_code == 200
    shared = ("programme_event", "programme_session", "registration_question", "materials_material")
    assert counted and not [q for q in counted if any(f'"{table}"' in q for table in shared)], counted


async def test_the_manage_page_reads_its_registration_once_join_link_included(client, make_event, site, app):
    """The registration row (the join token's nonce is in it) is read once for the page, its join link too."""
    from tests.web.test_query_counts import counting

    event, token = await _registered(make_event, site)
    with counting(app.state.engine) as counted:
        page = (await client.get(f"/registrations/{token}")).text
    assert "/j/" in page and "meet.example.nl" in page  # the default test event is online: a join link
    rows = [q for q in counted if '"registration_registration"' in q or "FROM registration_registration" in q]
    assert len(rows) == 1, rows


async def test_the_manage_page_shows_an_event_edit_at_the_next_request(client, make_event, site):
    event, token = await _registered(make_event, site)
    assert event["title"] in (await client.get(f"/registrations/{token}")).text
    await programme.update_event(event, {"title": "Sterke gemeente", "starts_at": NOW + timedelta(days=11),
                                         "ends_at": NOW + timedelta(days=11, hours=2)}, NOW)
    page = (await client.get(f"/registrations/{token}")).text
    assert "Sterke gemeente" in page and event["title"] not in page


async def test_the_manage_page_shows_a_session_and_a_question_edit_at_the_next_request(client, make_event, site):
    event, token = await _registered(make_event, site)
    question = await registration.add_question(event["id"], "Dieetwensen", "text")
    assert "Dieetwensen" in (await client.get(f"/registrations/{token}")).text
    await registration.update_question(event["id"], question, "Allergieën", "text", "", False)
    page = (await client.get(f"/registrations/{token}")).text
    assert "Allergieën" in page and "Dieetwensen" not in page
    await registration.delete_question(event["id"], question)
    assert "Allergieën" not in (await client.get(f"/registrations/{token}")).text


async def test_the_manage_page_shows_its_own_registrations_change_at_once(client, make_event, site):
    event, token = await _registered(make_event, site)
    page = (await client.get(f"/registrations/{token}")).text
    assert "/j/" in page and "meet.example.nl" in page  # a confirmed place: the join link and the join URL
    await registration.cancel_by_token(token, NOW, site)
    page = (await client.get(f"/registrations/{token}")).text
    assert "/j/" not in page and "meet.example.nl" not in page  # cancelled: neither, though the event is remembered


async def test_a_reading_request_reads_the_counters_once(client, make_event, site, app, monkeypatch):
    """The manage page asks several remembered reads (event, sessions, questions, materials): one reading of the
    counters serves them all, and nothing of it outlives the request."""
    event, token = await _registered(make_event, site)
    await client.get(f"/registrations/{token}")
    engine, readings = app.state.engine, []
    original_inline = getattr(type(engine), "read_inline", None)
    original_query = type(engine).run_querystring

    def read_inline(self, query, *args, **kwargs):
        readings.extend([query] if query == content_versions.QUERY else [])
        return original_inline(self, query, *args, **kwargs)

    async def run_querystring(self, querystring, *args, **kwargs):
        readings.extend([str(querystring)] if str(querystring) == content_versions.QUERY else [])
        return await original_query(self, querystring, *args, **kwargs)

    if original_inline is not None:
        monkeypatch.setattr(type(engine), "read_inline", read_inline)
    monkeypatch.setattr(type(engine), "run_querystring", run_querystring)
    assert (await client.get(f"/registrations/{token}")).status_code == 200
    assert len(readings) == 1, readings
    assert content_versions._HELD.get() is None  # noqa: SLF001 - the request's reading went with it
    await programme.update_event(event, {"title": "Na het verzoek"}, NOW)
    assert "Na het verzoek" in (await client.get(f"/registrations/{token}")).text
    assert len(readings) == 2


async def test_held_counters_serve_one_task_and_go_at_the_end(engine, make_event):
    READS.clear()
    event = await make_event()
    with content_versions.held():
        assert (await titles([event["id"]]))[0]["title"] == event["title"]
        await Event.raw("UPDATE programme_event SET title = 'Binnen dezelfde lezing'")
        assert (await titles([event["id"]]))[0]["title"] == event["title"]  # one consistent view while held
    assert (await titles([event["id"]]))[0]["title"] == "Binnen dezelfde lezing"  # and the change right after
    assert len(READS) == 2


async def test_a_task_started_while_held_reads_for_itself(engine, make_event):
    """A task started inside a held reading (a request that starts background work) inherits the context, not the
    request's counters: it sees a change made after the request's reading."""
    import asyncio  # noqa: PLC0415

    event = await make_event()
    with content_versions.held():
        assert (await titles([event["id"]]))[0]["title"] == event["title"]
        await Event.raw("UPDATE programme_event SET title = 'Voor de taak'")
        background = asyncio.create_task(titles([event["id"]]))
        assert (await background)[0]["title"] == "Voor de taak"
