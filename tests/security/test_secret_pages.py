"""Pages and answers that show or open a secret (a manage token, a personal or join link, an invitation, a feed
key, a new API token or webhook secret, a participant token) are never stored: `Cache-Control: no-store`. Public
pages of anonymous visitors keep their caching."""

from __future__ import annotations

import contextlib

import pytest

from events.accounts import service as accounts
from events.registration.service import ManageLinks
from events.registration.tables import Registration
from tests.conftest import NOW
from tests.security.matrix_world import build_world


@pytest.fixture
async def world(app):
    async with contextlib.AsyncExitStack() as stack:
        yield await build_world(app, stack)


def no_store(response) -> bool:
    return "no-store" in response.headers.get("cache-control", "")


async def test_every_secret_page_and_answer_says_no_store(world, app, settings):
    v, actors = world.values, world.actors
    anonymous, owner = actors["anonymous"], actors["owner_a"]
    token = actors["participant"].headers["Authorization"].removeprefix("Bearer ")
    row = await Registration.select().where(Registration.id == v["registration_id"]).first()
    site = ManageLinks.from_settings(settings)
    from events.registration import calendar  # noqa: PLC0415 - the world binds the tables first

    key = calendar.feed_key(row["id"], row["token_hash"], settings.secret_key)
    speaker_link = await accounts.create_personal_link(v["speaker_id"], NOW)
    gets = [
        f"/registrations/{token}", f"/registrations/{token}/cancel", f"/registrations/{token}/invite.ics",
        f"/registrations/{token}/check-in.svg", f"/api/registrations/{token}",
        site.mail_manage_url(token, row["token_nonce"]).removeprefix(site.base_url),
        f"/j/{site.join_token(row)}", f"/calendar/personal/{key}/feed.ics", f"/p/{speaker_link}",
        "/invitations/not-a-real-invitation-token-000000",
    ]
    problems = [f"GET {path}: {r.status_code} {r.headers.get('cache-control')!r}"
                for path in gets if not no_store(r := await anonymous.client.get(path))]
    answers = [
        (anonymous, "POST", f"/api/events/{v['slug']}/registrations", {"name": "Nieuw", "email": "nieuw@gemeente.nl"}),
        (owner, "POST", "/api/tokens", {"label": "export"}),
        (owner, "POST", "/api/organisations/gemeente-eigen/webhooks",
         {"url": "https://hooks.example.org/nieuw", "event_types": ["registration.created"]}),
    ]
    for actor, method, path, body in answers:
        response = await actor.client.request(method, path, json=body, headers=actor.headers)
        if response.status_code >= 300 or not no_store(response):
            problems.append(f"{method} {path}: {response.status_code} {response.headers.get('cache-control')!r}")
    for path in ("/organiser/tokens", "/organiser", f"/organiser/events/{v['slug']}"):  # a signed-in person's view
        if not no_store(response := await owner.client.get(path)):
            problems.append(f"GET {path} signed in: {response.headers.get('cache-control')!r}")
    assert not problems, "\n".join(problems)
    # an anonymous visitor's public page is not marked so
    assert not no_store(await anonymous.client.get(f"/events/{v['slug']}", headers={"cookie": ""}))
