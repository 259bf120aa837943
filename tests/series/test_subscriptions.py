"""Subscriptions to a series: double opt-in through real SMTP, nothing before confirmation, one notice per new
event and subscriber, one-click unsubscribe (RFC 8058) and the page's, the rate limit, the sweep of unconfirmed
addresses, and what organisers see (a count, never addresses)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from events.app import create_app
from events.mail.service import Deliverer, new_message
from events.mail.tables import OutboxMessage
from events.programme import service as programme
from events.series import service
from events.series.tables import SeriesEvent, SeriesNotice, Subscriber, SubscriberToken
from events.web.access_log import masked
from tests.conftest import NOW, http_client, login, post_form
from tests.series.conftest import webinar

ADDRESS = "deelnemer@gemeente-utrecht.nl"
LINK = re.compile(r"http://testserver\.local(/series/(?:confirm|unsubscribe)/[\w-]+)")


@pytest.fixture
def quiet_app(settings, clock, engine):
    """The app without an in-process deliverer: the tests deliver the outbox themselves."""
    return create_app(replace(settings, deliver_in_process=False), clock=clock, engine=engine)


def deliverer(settings, clock, engine, smtp_url) -> Deliverer:
    return Deliverer(smtp_url=smtp_url, mail_dir=settings.mail_dir, mail_from=settings.mail_from, clock=clock, engine=engine)


async def subscribe(client, slug: str = "cot-webinars", email: str = ADDRESS):
    await client.get(f"/series/{slug}/subscribe")
    return await post_form(client, f"/series/{slug}/subscribe", {"email": email})


def links_in(message) -> list[str]:
    return LINK.findall(message.get_body(("plain",)).get_content())


async def test_double_opt_in_notices_once_and_one_click_unsubscribe(quiet_app, settings, clock, engine, team, smtp_server):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    sending = deliverer(settings, clock, engine, smtp_server.url)
    async with http_client(quiet_app) as client:
        page = await client.get("/series/cot-webinars/subscribe")
        assert page.status_code == 200 and 'name="_csrf_token"' in page.text
        answered = await subscribe(client)
        assert answered.status_code == 200 and "Kijk in uw mailbox" in answered.text
        assert (await subscribe(client)).status_code == 200  # a second request within minutes sends no second mail
        await sending.deliver_due()
        [confirmation] = smtp_server.to(ADDRESS)
        assert "COT-webinars" in confirmation["Subject"]
        confirm_path, unsubscribe_path = links_in(confirmation)
        assert confirm_path.startswith("/series/confirm/") and unsubscribe_path.startswith("/series/unsubscribe/")
        assert confirmation["List-Unsubscribe"].startswith("<http://testserver.local/api/series/unsubscribe/")
        assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = confirm_path.rsplit("/", 1)[1]
        assert not await SubscriberToken.exists().where(SubscriberToken.token_hash == token)  # only its hash is kept

        # Not confirmed: a new event is news to nobody yet.
        first = await webinar(team.editor, "Webinar één", status="draft")
        await SeriesEvent(series=series["id"], event=first["id"]).save()
        await programme.change_status(first, "publish", NOW)
        assert await SeriesNotice.count() == 0

        shown = await client.get(confirm_path)
        assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
        assert (await Subscriber.select(Subscriber.confirmed_at).first())["confirmed_at"] is None  # opening confirms nothing
        confirmed = await post_form(client, confirm_path, {})
        assert confirmed.status_code == 200 and "U hoort van ons" in confirmed.text
        assert (await client.get(confirm_path)).status_code == 404  # the link worked once

        second = await webinar(team.editor, "Webinar twee", weeks=4, status="draft")
        await SeriesEvent(series=series["id"], event=second["id"]).save()
        published = await programme.change_status(second, "publish", NOW)
        await programme.change_status(published, "unpublish", NOW)
        await programme.change_status(await programme.event_by_id(second["id"]), "publish", NOW)  # again: no second notice
        await sending.deliver_due()
        notices = [m for m in smtp_server.to(ADDRESS) if "Webinar twee" in m["Subject"]]
        assert len(notices) == 1 and await SeriesNotice.count() == 1
        body = notices[0].get_body(("plain",)).get_content()
        assert f"/events/{second['slug']}" in body and "geheim-7" not in body
        one_click = notices[0]["List-Unsubscribe"].strip("<>").removeprefix("http://testserver.local")
        opened = await client.get(one_click)  # a GET never unsubscribes: it leads to the page with the button
        assert opened.status_code == 303 and opened.headers["location"].startswith("/series/unsubscribe/")
        assert await Subscriber.count() == 1

        # The mail client's one-click POST: no cookie, no CSRF token.
        async with http_client(quiet_app) as mail_client:
            gone = await mail_client.post(one_click, content=b"List-Unsubscribe=One-Click",
                                          headers={"content-type": "application/x-www-form-urlencoded"})
        assert gone.status_code == 200, gone.text
        assert await Subscriber.count() == 0 and await SubscriberToken.count() == 0
        assert await OutboxMessage.count().where(OutboxMessage.to_address == ADDRESS) == 0  # their mails go too
        third = await webinar(team.editor, "Webinar drie", weeks=8, status="draft")
        await SeriesEvent(series=series["id"], event=third["id"]).save()
        await programme.change_status(third, "publish", NOW)
        assert await SeriesNotice.count() == 0


async def test_the_unsubscribe_page_and_adding_a_published_event(quiet_app, team, clock):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    await service.subscribe(series, ADDRESS, "en", NOW, "http://testserver.local")
    [mail] = await OutboxMessage.select().where(OutboxMessage.kind == "series_confirm")
    assert mail["language"] == "en" and "Confirm" in mail["text_body"]
    confirm_path, unsubscribe_path = LINK.findall(mail["text_body"])
    await service.confirm(confirm_path.rsplit("/", 1)[1], NOW)
    already = await webinar(team.editor, "Al gepubliceerd")
    async with http_client(quiet_app) as client:
        await login(client, team.editor.email)
        added = await client.post("/api/series/cot-webinars/events", json={"event": already["slug"]},
                                  headers={"x-csrftoken": client.cookies.get("events_csrf", "")})
        assert added.status_code == 200 and added.json()["subscribers"] == 1
        page = await client.get("/organiser/series/cot-webinars")
        assert "1 bevestigd" in page.text and ADDRESS not in page.text
    notices = await OutboxMessage.select().where(OutboxMessage.kind == "series_notice")
    assert len(notices) == 1 and notices[0]["to_address"] == ADDRESS and notices[0]["subject"].startswith("New in COT-webinars")
    async with http_client(quiet_app) as client:
        shown = await client.get(unsubscribe_path)
        assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store" and await Subscriber.count() == 1
        done = await post_form(client, unsubscribe_path, {})
        assert done.status_code == 200 and await Subscriber.count() == 0
        assert (await client.get(unsubscribe_path)).status_code == 404


async def test_bad_addresses_and_the_rate_limit(settings, clock, engine, team):
    await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    app = create_app(replace(settings, deliver_in_process=False, rate_limits={"series_subscribe": (3, 600)}), clock=clock, engine=engine)
    async with http_client(app) as client:
        refused = await subscribe(client, email="geen-adres")
        assert refused.status_code == 400 and "Vul een e-mailadres in" in refused.text
        refused = await subscribe(client, email="iemand@gemeente.nl\r\nBcc: x@y.nl")
        assert refused.status_code == 400
        assert (await subscribe(client, email="een@gemeente.nl")).status_code == 200
        limited = await subscribe(client, email="twee@gemeente.nl")
        assert limited.status_code == 429 and "retry-after" in limited.headers
        assert (await subscribe(client, slug="nergens")).status_code in (404, 429)
    assert [row["email"] for row in await Subscriber.select(Subscriber.email)] == ["een@gemeente.nl"]


async def test_unconfirmed_addresses_go_after_a_week(engine, team):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    await service.subscribe(series, "stil@gemeente.nl", "nl", NOW, "http://testserver.local")
    await service.subscribe(series, ADDRESS, "nl", NOW, "http://testserver.local")
    mail = await OutboxMessage.select().where(OutboxMessage.to_address == ADDRESS).first()
    await service.confirm(LINK.findall(mail["text_body"])[0].rsplit("/", 1)[1], NOW)
    assert await service.purge_unconfirmed(NOW + timedelta(days=6)) == 0
    assert await service.purge_unconfirmed(NOW + timedelta(days=8)) == 1
    assert [row["email"] for row in await Subscriber.select(Subscriber.email)] == [ADDRESS]
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "stil@gemeente.nl") == 0
    with pytest.raises(Exception, match="not valid"):
        await service.confirm("x" * 300, NOW)


def test_link_tokens_are_masked_in_the_access_log_and_headers_refuse_line_breaks():
    assert masked("/series/confirm/abc-123") == "/series/confirm/…"
    assert masked("/series/unsubscribe/abc-123") == "/series/unsubscribe/…"
    assert masked("/api/series/unsubscribe/abc-123") == "/api/series/unsubscribe/…"
    assert masked("/series/cot-webinars/subscribe") == "/series/cot-webinars/subscribe"
    with pytest.raises(ValueError):
        new_message(to_address=ADDRESS, subject="x", text_body="x", kind="series_notice", now=NOW,
                    headers={"List-Unsubscribe": "<https://x>\r\nBcc: y@z.nl"})


async def test_a_confirmation_link_ends_after_a_week(quiet_app, team, clock):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    await service.subscribe(series, ADDRESS, "nl", NOW, "http://testserver.local")
    mail = await OutboxMessage.select().where(OutboxMessage.to_address == ADDRESS).first()
    confirm_path = LINK.findall(mail["text_body"])[0]
    async with http_client(quiet_app) as client:
        assert (await client.get(confirm_path)).status_code == 200
        clock.advance(seconds=8 * 24 * 3600)
        assert (await client.get(confirm_path)).status_code == 404
        assert (await post_form(client, confirm_path, {})).status_code == 404
    assert (await Subscriber.select(Subscriber.confirmed_at).first())["confirmed_at"] is None


async def test_a_copy_of_an_event_joins_its_series_and_is_news_once_published(quiet_app, team):
    series = await service.create_series({"name": "COT-webinars"}, team.editor, NOW)
    march = await webinar(team.editor, "Webinar maart")
    await SeriesEvent(series=series["id"], event=march["id"]).save()
    await service.subscribe(series, ADDRESS, "nl", NOW, "http://testserver.local")
    mail = await OutboxMessage.select().where(OutboxMessage.to_address == ADDRESS).first()
    await service.confirm(LINK.findall(mail["text_body"])[0].rsplit("/", 1)[1], NOW)
    source = await programme.event_by_id(march["id"])
    april = await programme.duplicate_event(source, {"starts_at": "2028-04-20T13:00", "title": "Webinar april"}, team.editor, NOW)
    assert await SeriesEvent.exists().where((SeriesEvent.series == series["id"]) & (SeriesEvent.event == april["id"]))
    assert await SeriesNotice.count() == 0  # a draft is nobody's news
    await programme.change_status(april, "publish", NOW)
    notices = await OutboxMessage.select().where(OutboxMessage.kind == "series_notice")
    assert [n["subject"] for n in notices] == ["Nieuw in COT-webinars: Webinar april"]
