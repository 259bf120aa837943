"""Sessions and headers: a new session id at every sign-in, `__Host-` cookies and HSTS on https."""

from __future__ import annotations

from dataclasses import replace

import httpx
from asgi_lifespan import LifespanManager

from events.app import create_app
from tests.conftest import PASSWORD, http_client, login


def _session_files(settings) -> set[str]:
    folder = settings.data_dir / "sessions"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


async def test_a_session_id_planted_before_sign_in_is_worthless_after_it(client, organiser, settings):
    # The attacker's id: a real stored session (made by signing in and out is not needed: any id the browser sends).
    client.cookies.set("events_session", "planted-by-someone-else")
    response = await login(client, organiser.email)
    issued = response.cookies.get("events_session")
    assert issued and issued != "planted-by-someone-else"
    stored = _session_files(settings)
    assert len(stored) == 1 and not any("planted" in name for name in stored)
    # The planted id opens nothing; the issued one is signed in.
    async with http_client(client._transport.app) as attacker:
        attacker.cookies.set("events_session", "planted-by-someone-else")
        assert (await attacker.get("/organiser", follow_redirects=False)).status_code in (302, 303)


async def test_signing_in_again_replaces_the_previous_session(client, organiser, other_organiser, settings):
    await login(client, organiser.email)
    first = client.cookies.get("events_session")
    await login(client, other_organiser.email)
    second = client.cookies.get("events_session")
    assert first != second
    assert len(_session_files(settings)) == 1  # the first session is gone from the store


async def test_personal_links_start_a_fresh_session_too(app, client, speaker, clock, settings):
    from events.accounts import service as accounts

    token = await accounts.create_personal_link(speaker.id, clock.now())
    client.cookies.set("events_session", "planted")
    response = await client.get(f"/p/{token}")
    assert response.status_code == 303
    assert response.cookies.get("events_session") not in (None, "planted")


async def test_https_sites_use_host_prefixed_cookies_and_hsts(settings, clock, engine, organiser):
    https = replace(settings, base_url="https://events.example.nl", secure_cookies=True)
    app = create_app(https, clock=clock, engine=engine)
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://events.example.nl") as client:
        page = await client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "__Host-events_csrf=" in page.headers["set-cookie"]
        token = page.cookies.get("__Host-events_csrf")
        response = await client.post("/login", data={"email": organiser.email, "password": PASSWORD, "_csrf_token": token})
        cookie = response.headers["set-cookie"]
        assert "__Host-events_session=" in cookie and "Secure" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie


async def test_plain_http_sites_send_no_hsts(client):
    assert "strict-transport-security" not in (await client.get("/login")).headers
