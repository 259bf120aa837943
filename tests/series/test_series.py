"""Series: the organisers' API and pages, the boundary, the public page (cached, Dutch and English) and the
calendar feed read by two parsers."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import vobject

from events.audit.tables import AuditEntry
from events.series import service
from events.series.tables import Series, SeriesEvent
from tests.conftest import NOW, http_client, login, post_form
from tests.ical.checks import check_calendar
from tests.series.conftest import START, csrf_headers, webinar


async def signed_in(app, user):
    client_cm = http_client(app)
    client = await client_cm.__aenter__()
    await login(client, user.email)
    return client_cm, client


async def test_organisers_make_a_series_and_put_events_in_it(app, team):
    first = await webinar(team.editor, "Integrale beveiliging 1")
    async with http_client(app) as client:
        await login(client, team.editor.email)
        made = await client.post("/api/series", json={"name": "COT-webinars integrale beveiliging", "description": "Elke maand."},
                                 headers=csrf_headers(client))
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["slug"] == "cot-webinars-integrale-beveiliging" and body["organisation"] == "cot"
        assert body["url"] == "http://testserver.local/series/cot-webinars-integrale-beveiliging"
        slug = body["slug"]
        added = await client.post(f"/api/series/{slug}/events", json={"event": first["slug"]}, headers=csrf_headers(client))
        assert added.status_code == 200 and added.json()["events"] == 1
        again = await client.post(f"/api/series/{slug}/events", json={"event": first["slug"]}, headers=csrf_headers(client))
        assert again.json()["events"] == 1  # once
        changed = await client.patch(f"/api/series/{slug}", json={"name": "COT-webinars"}, headers=csrf_headers(client))
        assert changed.status_code == 200 and changed.json()["name"] == "COT-webinars" and changed.json()["slug"] == slug
        for name in ("Tweede reeks", "Derde reeks"):
            await client.post("/api/series", json={"name": name}, headers=csrf_headers(client))
        listed = await client.get("/api/series?page=2&per_page=2")
        assert listed.status_code == 200
        assert listed.headers["x-total-count"] == "3" and [s["name"] for s in listed.json()] == ["Tweede reeks"]
        assert 'rel="prev"' in listed.headers["link"] and 'rel="next"' not in listed.headers["link"]  # the last page
        assert (await client.get("/api/series?per_page=1000")).status_code == 400
        bad = await client.post("/api/series", json={"name": "Reeks\x1b"}, headers=csrf_headers(client))
        assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "name"
        removed = await client.delete(f"/api/series/{slug}/events/{first['slug']}", headers=csrf_headers(client))
        assert removed.status_code == 204
        assert await SeriesEvent.count() == 0
    actions = [row["action"] for row in await AuditEntry.select(AuditEntry.action).where(AuditEntry.action.like("series.%"))]
    assert actions.count("series.create") == 3 and "series.add-event" in actions and "series.remove-event" in actions


async def test_the_boundary_holds(app, team, other_team):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    own = await webinar(team.editor, "Eigen webinar")
    foreign = await webinar(other_team.editor, "Ander webinar")
    async with http_client(app) as client:
        await login(client, other_team.owner.email)
        assert (await client.patch("/api/series/cot-webinars", json={"name": "Van mij"}, headers=csrf_headers(client))).status_code == 404
        assert (await client.get("/organiser/series/cot-webinars")).status_code == 404
        assert (await client.get("/api/series")).headers["x-total-count"] == "0"
    async with http_client(app) as client:
        await login(client, team.viewer.email)
        assert (await client.patch("/api/series/cot-webinars", json={"name": "Van mij"}, headers=csrf_headers(client))).status_code == 403
        assert (await client.post("/api/series/cot-webinars/events", json={"event": own["slug"]},
                                  headers=csrf_headers(client))).status_code == 403
        page = await client.get("/organiser/series/cot-webinars")
        assert page.status_code == 200 and "/edit" not in page.text and 'method="post"' not in page.text.split("<main")[1]
        assert (await client.get("/api/series")).headers["x-total-count"] == "1"
    async with http_client(app) as client:
        await login(client, team.editor.email)
        # Another organisation's event cannot join this organisation's series.
        refused = await client.post("/api/series/cot-webinars/events", json={"event": foreign["slug"]}, headers=csrf_headers(client))
        assert refused.status_code == 400 and refused.json()["extra"][0]["key"] == "event"
        missing = await client.post("/api/series/cot-webinars/events", json={"event": "bestaat-niet"}, headers=csrf_headers(client))
        assert missing.status_code == 400 and missing.json()["detail"] == refused.json()["detail"]  # no enumeration
        gone = await client.delete(f"/api/series/cot-webinars/events/{foreign['slug']}", headers=csrf_headers(client))
        assert gone.status_code == 404
    assert (await Series.select(Series.name).where(Series.id == series["id"]).first())["name"] == "COT-webinars"
    assert await SeriesEvent.count() == 0


async def test_back_office_pages(app, team):
    event = await webinar(team.editor, "Integrale beveiliging 1")
    async with http_client(app) as client:
        await login(client, team.editor.email)
        assert (await client.get("/organiser/series/new")).status_code == 200
        refused = await post_form(client, "/organiser/series/new", {"name": ""})
        assert refused.status_code == 400 and "Vul een naam in" in refused.text
        made = await post_form(client, "/organiser/series/new", {"name": "COT-webinars", "description": "Elke maand"})
        assert made.status_code == 303 and made.headers["location"] == "/organiser/series/cot-webinars"
        added = await post_form(client, "/organiser/series/cot-webinars/events", {"event": event["slug"]})
        assert added.status_code == 303
        page = await client.get("/organiser/series/cot-webinars")
        assert "Integrale beveiliging 1" in page.text and "0 bevestigd" in page.text
        dashboard = await client.get(f"/organiser/events/{event['slug']}")
        assert 'href="/organiser/series/cot-webinars"' in dashboard.text
        assert 'href="/organiser/series"' in (await client.get("/organiser")).text
        listing = await client.get("/organiser/series")
        assert "COT-webinars" in listing.text
        assert (await post_form(client, "/organiser/series/cot-webinars/edit", {"name": "COT-webinars 2028"})).status_code == 303
        removed = await post_form(client, f"/organiser/series/cot-webinars/events/{event['slug']}/remove", {})
        assert removed.status_code == 303 and await SeriesEvent.count() == 0
        assert (await client.get("/organiser/series/cot-webinars/delete")).status_code == 200
        assert (await post_form(client, "/organiser/series/cot-webinars/delete", {})).status_code == 303
    assert await Series.count() == 0


async def test_the_public_page_shows_published_events_and_changes_at_the_next_request(app, team, client, clock):
    series = await service.create_series({"name": "COT-webinars", "description": "Elke **maand**."}, team.editor, NOW)
    past = await webinar(team.editor, "Vorig webinar", start=datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
    coming = await webinar(team.editor, "Volgend webinar")
    draft = await webinar(team.editor, "Geheim concept", status="draft")
    for event in (past, coming, draft):
        await SeriesEvent(series=series["id"], event=event["id"]).save()
    page = await client.get("/series/cot-webinars")
    assert page.status_code == 200 and '<html lang="nl">' in page.text
    assert "Komende evenementen" in page.text and "Volgend webinar" in page.text and "Vorig webinar" in page.text
    assert page.text.index("Volgend webinar") < page.text.index("Vorig webinar")
    assert "Geheim concept" not in page.text and "geheim-7" not in page.text and "<strong>maand</strong>" in page.text
    assert "set-cookie" not in page.headers
    assert (await client.get("/series/cot-webinars")).headers["etag"] == page.headers["etag"]  # from the cache
    await service.update_series(series, {"name": "COT-webinars 2028"}, team.editor, NOW)
    assert "COT-webinars 2028" in (await client.get("/series/cot-webinars")).text
    await SeriesEvent.delete().where(SeriesEvent.event == coming["id"])
    assert "Volgend webinar" not in (await client.get("/series/cot-webinars")).text
    english = await client.get("/series/cot-webinars?lang=en")
    assert '<html lang="en">' in english.text and "Upcoming events" in english.text
    assert (await client.get("/series/nergens")).status_code == 404
    api = await client.get("/api/series/cot-webinars")
    assert api.status_code == 200 and [e["title"] for e in api.json()["events"]] == ["Vorig webinar"]
    assert "join_url" not in api.text


async def test_the_feed_holds_the_published_events_for_two_parsers(app, team, client):
    series = await service.create_series({"name": "COT-webinars", "description": "Elke maand."}, team.editor, NOW)
    first = await webinar(team.editor, "Webinar één")
    second = await webinar(team.editor, "Webinar twee", weeks=4)
    draft = await webinar(team.editor, "Concept", status="draft")
    other = await webinar(team.editor, "Niet in de reeks", weeks=1)
    for event in (first, second, draft):
        await SeriesEvent(series=series["id"], event=event["id"]).save()
    response = await client.get("/series/cot-webinars/calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert b"geheim-7" not in response.content and other["title"].encode() not in response.content
    calendar, parsed = check_calendar(response.content, "PUBLISH")
    assert str(calendar["X-WR-CALNAME"]) == "COT-webinars"
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Webinar één", "Webinar twee"]
    assert [e.summary.value for e in parsed.vevent_list] == summaries
    assert parsed.vevent_list[0].dtstart.value.astimezone(UTC) == START
    again = icalendar.Calendar.from_ical(response.content)
    assert len(again.walk("VEVENT")) == 2 and vobject.readOne(response.content.decode()).vevent
    not_modified = await client.get("/series/cot-webinars/calendar.ics", headers={"if-none-match": response.headers["etag"]})
    assert not_modified.status_code == 304


async def test_the_series_page_comes_from_the_cache_until_the_series_changes(app, team, client, monkeypatch):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    coming = await webinar(team.editor, "Volgend webinar")
    await SeriesEvent(series=series["id"], event=coming["id"]).save()
    first = await client.get("/series/cot-webinars")
    feed = await client.get("/series/cot-webinars/calendar.ics")
    assert first.status_code == 200 and feed.status_code == 200
    real = service.published_events_of

    async def no_database(*_args, **_kwargs):
        raise AssertionError("the handler ran")

    monkeypatch.setattr(service, "published_events_of", no_database)
    assert (await client.get("/series/cot-webinars")).text == first.text
    assert (await client.get("/series/cot-webinars/calendar.ics")).content == feed.content
    monkeypatch.setattr(service, "published_events_of", real)
    # Plain SQL, past every service: the trigger bumps the `series` version, so the next request shows it.
    await Series.raw("UPDATE series_series SET name = 'Gewijzigd via SQL'")
    assert "Gewijzigd via SQL" in (await client.get("/series/cot-webinars")).text
    assert b"Gewijzigd via SQL" in (await client.get("/series/cot-webinars/calendar.ics")).content
