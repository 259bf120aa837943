"""A light request path: the health probes run no session, CSRF or authentication work, even for a signed-in
browser; public API reads mint no CSRF token."""

from __future__ import annotations

from events.accounts import service as accounts
from tests.conftest import login


async def test_probes_skip_authentication_even_with_a_session(organiser_client, monkeypatch):
    async def no_lookup(*_args, **_kwargs):
        raise AssertionError("the user was looked up")

    monkeypatch.setattr(accounts, "get_user", no_lookup)
    for path in ("/livez", "/healthz"):
        reply = await organiser_client.get(path)
        assert reply.status_code == 200 and "set-cookie" not in reply.headers, path


async def test_a_signed_in_page_still_knows_its_user(client, organiser):
    await login(client, organiser.email)
    assert "Uitloggen" in (await client.get("/")).text
