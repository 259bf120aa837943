"""The public cache (events.web.public_cache): anonymous answers come from it, every kind of change shows at the next
request, a signed-in view is never stored or served, and ETags give 304s."""

from __future__ import annotations

from events.kernel import content_versions
from events.programme import service as programme
from events.programme.tables import Event
from events.resources import service as resources
from tests.conftest import NOW, login
from tests.programme.helpers import START, make_event
from tests.resources.helpers import make_resource


async def test_a_repeated_anonymous_read_is_served_from_the_cache(client, organiser, app, monkeypatch):
    await make_event(organiser.id)
    first = await client.get("/")
    assert first.status_code == 200 and first.headers["etag"]

    async def no_database(*_args, **_kwargs):
        raise AssertionError("the handler ran")

    monkeypatch.setattr(programme, "upcoming_events", no_database)
    second = await client.get("/")
    assert second.status_code == 200 and second.text == first.text


async def test_a_write_past_every_service_still_shows(client, organiser, app):
    await make_event(organiser.id)
    before = await content_versions.read(app.state.engine)
    assert "Weerbare organisatie" in (await client.get("/api/events")).text
    # Plain SQL (no code path that could forget to invalidate): the trigger bumps the version.
    await Event.raw("UPDATE programme_event SET title = 'Gewijzigd via SQL'")
    assert (await content_versions.read(app.state.engine))["programme"] > before["programme"]
    assert "Gewijzigd via SQL" in (await client.get("/api/events")).text


async def test_event_edit_shows_at_the_next_request(client, organiser):
    event = await make_event(organiser.id)
    assert "Weerbare organisatie" in (await client.get("/")).text
    await programme.update_event(event, {"title": "Sterke gemeente"}, NOW)
    page = (await client.get("/")).text
    assert "Sterke gemeente" in page and "Weerbare organisatie" not in page


async def test_session_edit_shows_in_the_programme_feed(client, organiser):
    event = await make_event(organiser.id)
    path = f"/events/{event['slug']}/programme.ics"
    assert "Keynote" in (await client.get(path)).text
    session = (await programme.public_agenda(event))[0]
    await programme.update_session(event, session["id"], {"title": "Openingswoord"}, NOW)
    assert "Openingswoord" in (await client.get(path)).text


async def test_speaker_change_shows_in_the_programme_feed(client, organiser):
    event = await make_event(organiser.id)
    path = f"/events/{event['slug']}/programme.ics"
    session = (await programme.public_agenda(event))[0]
    assert "Sanne" not in (await client.get(path)).text
    added = await programme.add_speaker(event, session["id"], "sanne@universiteit.nl", NOW, name="Sanne Spreker")
    assert "Sanne Spreker" in (await client.get(path)).text
    speaker_id = added.speaker_id
    await programme.update_speaker_profile(event, speaker_id, {"name": "Sanne de Vries"}, NOW)
    assert "Sanne de Vries" in (await client.get(path)).text


async def test_publish_unpublish_and_cancel_show_at_the_next_request(client, organiser):
    event = await make_event(organiser.id, status="draft", title="Nog geheim")
    assert "Nog geheim" not in (await client.get("/api/events")).text
    event = await programme.change_status(event, "publish", NOW)
    assert "Nog geheim" in (await client.get("/api/events")).text
    assert "CANCELLED" not in (await client.get("/calendar.ics")).text
    event = await programme.change_status(event, "cancel", NOW)
    assert "CANCELLED" in (await client.get("/calendar.ics")).text


async def test_unpublish_hides_the_event_at_the_next_request(client, organiser):
    event = await make_event(organiser.id, title="Even zichtbaar")
    assert "Even zichtbaar" in (await client.get("/api/events")).text
    await programme.change_status(event, "unpublish", NOW)
    assert "Even zichtbaar" not in (await client.get("/api/events")).text


async def test_library_edit_shows_at_the_next_request(client):
    resource = await make_resource(title="Weerbaarheidsscan")
    assert "Weerbaarheidsscan" in (await client.get("/library")).text
    await resources.update_resource(resource.id, {"title": "Risicoscan"}, NOW)
    page = (await client.get("/library")).text
    assert "Risicoscan" in page and "Weerbaarheidsscan" not in page


async def test_each_language_has_its_own_entry(client, organiser):
    await make_event(organiser.id)
    dutch = (await client.get("/")).text
    client.cookies.set("events_lang", "en")
    english = (await client.get("/")).text
    assert english != dutch and 'lang="en"' in english
    client.cookies.set("events_lang", "nl")
    assert (await client.get("/")).text == dutch


async def test_compressed_and_plain_answers_are_kept_apart(client, organiser):
    for i in range(8):  # a home page long enough to be compressed
        await make_event(organiser.id, title=f"Bijeenkomst nummer {i}", starts_at=START, slug=f"bijeenkomst-{i}")
    zipped = await client.get("/", headers={"accept-encoding": "gzip"})
    plain = await client.get("/", headers={"accept-encoding": "identity"})
    assert zipped.headers.get("content-encoding") == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text  # httpx decodes the gzip body


async def test_a_signed_in_view_is_neither_stored_nor_served(app, organiser):
    from tests.conftest import http_client

    await make_event(organiser.id)
    async with http_client(app) as signed_in, http_client(app) as anonymous:
        await login(signed_in, organiser.email)
        mine = (await signed_in.get("/")).text
        assert "Uitloggen" in mine
        theirs = (await anonymous.get("/")).text
        assert "Uitloggen" not in theirs and "_csrf_token" not in theirs
        assert "Uitloggen" in (await signed_in.get("/")).text  # not the anonymous copy either


async def test_etag_and_last_modified_give_304(client, organiser):
    await make_event(organiser.id)
    first = await client.get("/archive")
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert (await client.get("/archive", headers={"if-none-match": etag})).status_code == 304
    assert (await client.get("/archive", headers={"if-modified-since": last_modified})).status_code == 304
    assert (await client.get("/archive", headers={"if-none-match": '"something-else"'})).status_code == 200


async def test_an_anonymous_public_page_sets_no_cookie(client, organiser):
    await make_event(organiser.id)
    for path in ("/", "/archive", "/library", "/api/events", "/calendar.ics"):
        assert "set-cookie" not in (await client.get(path)).headers, path


# The event page (docs/architecture.md, "Public pages and forms"): from the cache for anonymous visitors.


async def test_the_event_page_comes_from_the_cache_without_a_form_or_token(client, organiser, monkeypatch):
    event = await make_event(organiser.id)
    path = f"/events/{event['slug']}"
    first = await client.get(path)
    assert first.status_code == 200 and first.headers["etag"] and "set-cookie" not in first.headers
    assert "_csrf_token" not in first.text and f'href="{path}/register"' in first.text

    async def no_database(*_args, **_kwargs):
        raise AssertionError("the handler ran")

    monkeypatch.setattr(programme, "public_agenda", no_database)
    second = await client.get(path)
    assert second.status_code == 200 and second.text == first.text
    assert (await client.get(path, headers={"if-none-match": first.headers["etag"]})).status_code == 304


async def test_every_kind_of_change_shows_on_the_event_page_at_the_next_request(client, organiser, app):
    event = await make_event(organiser.id)
    path = f"/events/{event['slug']}"
    assert "Weerbare organisatie" in (await client.get(path)).text
    await programme.update_event(event, {"title": "Sterke gemeente"}, NOW)
    assert "Sterke gemeente" in (await client.get(path)).text
    event = await programme.event_by_id(event["id"])
    session = (await programme.public_agenda(event))[0]
    await programme.update_session(event, session["id"], {"title": "Openingswoord"}, NOW)
    assert "Openingswoord" in (await client.get(path)).text
    await programme.add_speaker(event, session["id"], "sanne@universiteit.nl", NOW, name="Sanne Spreker")
    assert "Sanne Spreker" in (await client.get(path)).text
    resource = await make_resource(title="Weerbaarheidsscan")
    await resources.attach_to_event(event["id"], resource.id, app.state.engine)
    assert "Weerbaarheidsscan" in (await client.get(path)).text
    await resources.update_resource(resource.id, {"title": "Risicoscan"}, NOW)
    assert "Risicoscan" in (await client.get(path)).text
    await programme.change_status(event, "cancel", NOW)
    page = (await client.get(path)).text
    assert "Dit evenement is geannuleerd." in page and f'href="{path}/register"' not in page
    await Event.raw("UPDATE programme_event SET title = 'Gewijzigd via SQL'")  # past every service
    assert "Gewijzigd via SQL" in (await client.get(path)).text


async def test_unpublishing_hides_the_cached_event_page(client, organiser):
    event = await make_event(organiser.id)
    path = f"/events/{event['slug']}"
    assert (await client.get(path)).status_code == 200
    await programme.change_status(event, "unpublish", NOW)
    assert (await client.get(path)).status_code == 404


async def test_the_event_page_has_an_entry_per_language_and_encoding(client, organiser):
    event = await make_event(organiser.id, description="Lange tekst. " * 200)  # long enough to be compressed
    path = f"/events/{event['slug']}"
    dutch = await client.get(path, headers={"accept-encoding": "gzip"})
    plain = await client.get(path, headers={"accept-encoding": "identity"})
    assert dutch.headers.get("content-encoding") == "gzip" and "content-encoding" not in plain.headers
    assert dutch.text == plain.text and "Naar het aanmeldformulier" in dutch.text
    client.cookies.set("events_lang", "en")
    english = (await client.get(path)).text
    assert 'lang="en"' in english and "Go to the registration form" in english
    assert "Go to the registration form" in (await client.get(f"{path}?lang=en")).text
    client.cookies.set("events_lang", "nl")
    assert "Naar het aanmeldformulier" in (await client.get(path)).text


async def test_an_organisers_event_page_is_neither_stored_nor_served(app, organiser):
    from tests.conftest import http_client

    event = await make_event(organiser.id)
    path = f"/events/{event['slug']}"
    async with http_client(app) as signed_in, http_client(app) as anonymous:
        await login(signed_in, organiser.email)
        mine = (await signed_in.get(path)).text
        assert "Dit evenement beheren" in mine and "Uitloggen" in mine
        theirs = (await anonymous.get(path)).text
        assert "Dit evenement beheren" not in theirs and "Uitloggen" not in theirs and "_csrf_token" not in theirs
        assert "Dit evenement beheren" in (await signed_in.get(path)).text  # not the anonymous copy either


async def test_the_entry_ends_when_registration_closes(client, organiser, clock, monkeypatch):
    from datetime import timedelta
    from types import SimpleNamespace

    from events.web import public_cache

    event = await make_event(organiser.id, registration_closes_at=NOW + timedelta(seconds=5))
    path = f"/events/{event['slug']}"
    assert "Naar het aanmeldformulier" in (await client.get(path)).text
    clock.set(NOW + timedelta(seconds=6))
    real = public_cache.time
    later = SimpleNamespace(monotonic=lambda: real.monotonic() + 6, time=real.time)
    monkeypatch.setattr(public_cache, "time", later)
    page = (await client.get(path)).text
    assert "Aanmelden is gesloten." in page and "Naar het aanmeldformulier" not in page
