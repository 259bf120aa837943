"""Embeddable pages: framed only by the organisation's hosts, no site chrome, registration without cookies."""

from __future__ import annotations

import re

from events.embeds import service as embeds
from events.registration.tables import Registration
from tests.conftest import NOW, NoCookies, login, post_form

ALLOWED = "https://www.gemeente-a.nl"


async def test_owners_list_hosts_and_the_embeds_say_so(api, client, owner_headers, make_event, team):
    event = await make_event()
    put = await api.put("/api/organisations/gemeente-a/embed", json={"hosts": [ALLOWED, "https://*.gemeente-a.nl"]},
                        headers=owner_headers)
    assert put.status_code == 200, put.text
    for path in ("/embed/gemeente-a/events", f"/embed/events/{event['slug']}/register"):
        response = await client.get(path)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert f"frame-ancestors {ALLOWED} https://*.gemeente-a.nl" in policy
        assert "x-frame-options" not in response.headers
        assert "set-cookie" not in response.headers  # nothing to remember: no session, no CSRF cookie
        assert "site-header" not in response.text and "site-footer" not in response.text
    listed = await client.get("/embed/gemeente-a/events")
    assert event["title"] in listed.text
    elsewhere = await client.get(f"/events/{event['slug']}")
    assert elsewhere.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in elsewhere.headers["content-security-policy"]


async def test_without_hosts_nobody_may_frame(client, make_event):
    event = await make_event()
    response = await client.get(f"/embed/events/{event['slug']}/register")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_bad_hosts_are_refused(api, owner_headers, team):
    for hosts in (["javascript:alert(1)"], ["https://x.nl/path"], ["https://a.nl; script-src *"]):
        response = await api.put("/api/organisations/gemeente-a/embed", json={"hosts": hosts}, headers=owner_headers)
        assert response.status_code == 400, response.text
    assert (await api.get("/api/organisations/gemeente-a/embed", headers=owner_headers)).json() == {"hosts": []}


async def test_only_owners_set_hosts(api, team, other_team):
    from events.accounts import service as accounts  # noqa: PLC0415 - tokens for the other roles

    editor = {"authorization": f"Bearer {await accounts.create_api_token(team.editor.id, label='t')}"}
    stranger = {"authorization": f"Bearer {await accounts.create_api_token(other_team.owner.id, label='t')}"}
    assert (await api.put("/api/organisations/gemeente-a/embed", json={"hosts": []}, headers=editor)).status_code == 403
    assert (await api.get("/api/organisations/gemeente-a/embed", headers=stranger)).status_code == 404


def _token(page: str) -> str:
    return re.search(r'name="_embed_token" value="([^"]+)"', page).group(1)


async def test_register_from_an_embed_without_cookies(app, make_event):
    import httpx  # noqa: PLC0415 - a client that keeps no cookies at all

    event = await make_event()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as browser:
        browser._cookies = NoCookies()
        form = await browser.get(f"/embed/events/{event['slug']}/register")
        assert 'name="_csrf_token"' not in form.text
        answer = await browser.post(f"/embed/events/{event['slug']}/register", data={
            "name": "Anna", "email": "anna@gemeente.nl", "_embed_token": _token(form.text),
        }, headers={"origin": "http://testserver.local"})
        assert answer.status_code == 201, answer.text
        assert 'data-outcome="confirmed"' in answer.text
        assert "set-cookie" not in answer.headers
        assert "/registrations/" not in answer.text  # the personal link goes by mail only
        bad = await browser.post(f"/embed/events/{event['slug']}/register", data={"name": "", "email": "nope",
                                 "_embed_token": _token(form.text)})
        assert bad.status_code == 400 and 'name="_embed_token"' in bad.text
    assert await Registration.count() == 1


async def test_forged_posts_are_refused(client, make_event, settings):
    event = await make_event()
    slug = event["slug"]
    good = embeds.form_token(settings.secret_key, slug, NOW)
    other_event = embeds.form_token(settings.secret_key, "other", NOW)
    for data, headers in (
        ({"name": "A", "email": "a@x.nl"}, {}),  # no token
        ({"name": "A", "email": "a@x.nl", "_embed_token": other_event}, {}),  # another event's
        ({"name": "A", "email": "a@x.nl", "_embed_token": good[:-2] + "00"}, {}),  # tampered
        ({"name": "A", "email": "a@x.nl", "_embed_token": good}, {"origin": "https://evil.example"}),  # cross-site
    ):
        response = await client.post(f"/embed/events/{slug}/register", data=data, headers=headers)
        assert response.status_code == 403, (data, response.status_code)
    assert await Registration.count() == 0
    assert not embeds.valid_form_token(settings.secret_key, slug, good, NOW.replace(year=2027))  # expired


async def test_the_owners_page_has_the_snippets(client, team, make_event):
    event = await make_event()
    await login(client, team.owner.email)
    page = await client.get("/organiser/organisations/gemeente-a/embed")
    assert page.status_code == 200
    assert "&lt;iframe src=&#34;http://testserver.local/embed/gemeente-a/events&#34;" in page.text or \
        "&lt;iframe src=&quot;http://testserver.local/embed/gemeente-a/events&quot;" in page.text
    assert f"/embed/events/{event['slug']}/register" in page.text
    saved = await post_form(client, "/organiser/organisations/gemeente-a/embed", {"hosts": ALLOWED})
    assert saved.status_code == 303
    refused = await post_form(client, "/organiser/organisations/gemeente-a/embed", {"hosts": "not a host"})
    assert refused.status_code == 400
    assert await embeds.hosts_of(team.organisation.id) == [ALLOWED]
    await login(client, team.editor.email)
    assert (await client.get("/organiser/organisations/gemeente-a/embed")).status_code == 403
