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


def test_the_real_server_does_not_name_its_software(live_server):
    """`events serve` answers without uvicorn's `server` header: nothing tells a scanner which software and
    version to try (one header less on every answer, too)."""
    import httpx

    for path in ("/livez", "/"):
        reply = httpx.get(f"{live_server.url}{path}", timeout=10)
        assert reply.status_code == 200 and "server" not in reply.headers, path
        assert reply.headers["x-content-type-options"] == "nosniff"  # the security headers stay


async def test_a_probe_answers_its_few_bytes_uncompressed(client, monkeypatch):
    """The probes skip the compression middleware too (opt BARE): not even its look at Accept-Encoding."""
    from litestar.middleware.compression import middleware as compression

    class Looked:
        @staticmethod
        def from_scope(_scope):
            raise AssertionError("the compression middleware ran for a probe")

    monkeypatch.setattr(compression, "Headers", Looked)
    reply = await client.get("/livez", headers={"accept-encoding": "gzip, br"})
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}
    assert reply.headers["content-type"].startswith("application/json")
    assert "content-encoding" not in reply.headers and "vary" not in reply.headers


async def test_a_registration_answer_skips_the_compression_middleware(client, organiser, monkeypatch):
    """The registration API's answer is a few hundred bytes, under the compression threshold: the rush's requests
    skip the middleware's wrapping of every send (opt REGISTER_API)."""
    from litestar.middleware.compression import middleware as compression

    from tests.programme.helpers import make_event

    event = await make_event(organiser.id)

    class Looked:
        @staticmethod
        def from_scope(_scope):
            raise AssertionError("the compression middleware ran for a registration")

    monkeypatch.setattr(compression, "Headers", Looked)
    reply = await client.post(f"/api/events/{event['slug']}/registrations", json={"name": "Anna", "email": "anna@gemeente.nl"},
                              headers={"accept-encoding": "gzip"})
    assert reply.status_code == 201 and reply.json()["token"]
    assert "content-encoding" not in reply.headers
