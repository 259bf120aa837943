"""Sign-in, CSRF, roles, API tokens and personal links."""

from datetime import timedelta

import pytest

from events.accounts import service as accounts
from tests.conftest import PASSWORD, get_csrf, login, post_form


async def test_login_success_sets_session_and_redirects(client, organiser):
    response = await login(client, organiser.email)
    assert response.headers["location"] == "/organiser"
    me = await client.get("/api/me")
    assert me.status_code == 200 and me.json()["email"] == organiser.email


async def test_login_is_case_insensitive_on_email(client, organiser):
    await login(client, "  " + organiser.email.upper())
    assert (await client.get("/api/me")).status_code == 200


async def test_login_failure_says_so_and_does_not_sign_in(client, organiser):
    response = await post_form(client, "/login", {"email": organiser.email, "password": "wrong password"})
    assert response.status_code == 400
    assert "niet juist" in response.text
    assert 'id="error-summary"' in response.text
    assert (await client.get("/api/me")).status_code == 401


async def test_login_unknown_user_fails_the_same_way(client):
    response = await post_form(client, "/login", {"email": "nobody@nowhere.nl", "password": PASSWORD})
    assert response.status_code == 400


async def test_login_next_only_goes_to_this_site(client, organiser):
    response = await post_form(
        client, "/login", {"email": organiser.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.headers["location"] == "/organiser"


async def test_form_post_without_csrf_token_is_refused(client, organiser):
    await get_csrf(client)
    response = await client.post("/login", data={"email": organiser.email, "password": PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/api/me")).status_code == 401


async def test_form_post_with_wrong_csrf_token_is_refused(client, organiser):
    await get_csrf(client)
    response = await client.post(
        "/login", data={"email": organiser.email, "password": PASSWORD, "_csrf_token": "forged" * 10}
    )
    assert response.status_code == 403


async def test_api_with_session_cookie_needs_csrf_header(client, organiser):
    await login(client, organiser.email)
    refused = await client.post("/api/tokens", json={"label": "x"})
    assert refused.status_code == 403
    accepted = await client.post("/api/tokens", json={"label": "x"}, headers={"x-csrftoken": client.cookies["events_csrf"]})
    assert accepted.status_code == 201


async def test_logout_ends_the_session(client, organiser):
    await login(client, organiser.email)
    await post_form(client, "/logout", {})
    assert (await client.get("/api/me")).status_code == 401


# --- the 401/403 matrix ---------------------------------------------------------------------------------


async def test_organiser_page_anonymous_goes_to_login(client):
    response = await client.get("/organiser/tokens")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=%2Forganiser%2Ftokens")


async def test_organiser_api_anonymous_gets_401_json(client):
    response = await client.get("/api/tokens")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")  # RFC 9457


async def test_organiser_routes_refuse_speakers_with_403(app, client, speaker, clock):
    token = await accounts.create_personal_link(speaker.id, clock.now())
    signed_in = await client.get(f"/p/{token}")
    assert signed_in.status_code == 303
    assert (await client.get("/organiser/tokens")).status_code == 403
    assert (await client.get("/api/tokens")).status_code == 403
    assert (await client.get("/api/me")).json()["role"] == "speaker"


async def test_organiser_routes_admit_organisers_and_admins(client, organiser, admin):
    await login(client, organiser.email)
    assert (await client.get("/organiser/tokens")).status_code == 200
    assert (await client.get("/api/tokens")).status_code == 200
    await post_form(client, "/logout", {})
    await login(client, admin.email)
    assert (await client.get("/api/tokens")).status_code == 200


# --- API tokens -----------------------------------------------------------------------------------------


async def test_bearer_token_authenticates_and_revocation_ends_it(client, organiser, clock):
    token = await accounts.create_api_token(organiser.id, label="ci")
    headers = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.json()["id"] == organiser.id
    # No CSRF needed with a bearer token: it is not an ambient credential.
    created = await client.post("/api/tokens", json={"label": "second"}, headers=headers)
    assert created.status_code == 201
    assert await accounts.revoke_api_token(token, clock.now())
    assert (await client.get("/api/me", headers=headers)).status_code == 401


async def test_tokens_are_stored_only_as_hashes(organiser):
    from events.accounts.tables import ApiToken

    token = await accounts.create_api_token(organiser.id)
    stored = await ApiToken.select(ApiToken.token_hash).first()
    assert token not in str(stored) and len(stored["token_hash"]) == 64


async def test_revoking_someone_elses_token_by_id_is_404(client, organiser, other_organiser):
    await accounts.create_api_token(other_organiser.id, label="theirs")
    theirs = (await accounts.list_api_tokens(other_organiser.id))[0]
    mine = await accounts.create_api_token(organiser.id)
    response = await client.delete(f"/api/tokens/{theirs.id}", headers={"Authorization": f"Bearer {mine}"})
    assert response.status_code == 404
    assert (await accounts.list_api_tokens(other_organiser.id))[0].revoked_at is None


async def test_unknown_bearer_token_is_401(client):
    assert (await client.get("/api/me", headers={"Authorization": "Bearer nope"})).status_code == 401


async def test_tokens_page_shows_a_new_token_once(organiser_client):
    response = await post_form(organiser_client, "/organiser/tokens", {"label": "Excel-koppeling"})
    assert response.status_code == 201
    assert "Excel-koppeling" in response.text
    listing = await organiser_client.get("/organiser/tokens")
    assert "Excel-koppeling" in listing.text


# --- personal links -------------------------------------------------------------------------------------


async def test_personal_link_signs_in_without_password(client, speaker, clock):
    token = await accounts.create_personal_link(speaker.id, clock.now())
    assert len(token) >= 22  # ≥ 128 bits of randomness, URL-safe
    response = await client.get(f"/p/{token}")
    assert response.status_code == 303
    assert response.headers["referrer-policy"] == "no-referrer"
    assert (await client.get("/api/me")).json()["email"] == speaker.email


async def test_personal_link_expires(client, speaker, clock):
    token = await accounts.create_personal_link(speaker.id, clock.now(), lifetime=timedelta(days=1))
    clock.advance(days=1, seconds=1)
    response = await client.get(f"/p/{token}")
    assert response.status_code == 404
    assert "niet (meer) geldig" in response.text
    assert (await client.get("/api/me")).status_code == 401


async def test_personal_link_can_be_revoked(client, speaker, clock):
    token = await accounts.create_personal_link(speaker.id, clock.now())
    assert await accounts.revoke_personal_links(speaker.id, clock.now()) == 1
    assert (await client.get(f"/p/{token}")).status_code == 404


@pytest.mark.parametrize("password", ["short", ""])
async def test_weak_passwords_are_refused(engine, password):
    with pytest.raises(accounts.AccountError):
        await accounts.create_user("x@y.nl", "organiser", password=password or "123")


async def test_sign_out_works_from_a_fast_public_page(client, organiser):
    await login(client, organiser.email)
    page = await client.get("/archive")  # a csrf_free page: mints nothing for strangers
    assert page.status_code == 200
    token = client.cookies["events_csrf"]
    assert f'value="{token}"' in page.text
    response = await client.post("/logout", data={"_csrf_token": token})
    assert response.status_code == 303
    assert (await client.get("/api/me")).status_code == 401
