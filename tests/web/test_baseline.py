"""The web baseline: health, security headers, errors, languages, OpenAPI."""

import re

from tests.conftest import login


async def test_healthz_checks_the_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_livez_answers_without_the_database_and_healthz_reports_it_down(client, app, monkeypatch):
    async def broken(*_args, **_kwargs):
        raise ConnectionError("database gone")

    monkeypatch.setattr(type(app.state.engine), "run_ddl", broken)
    live = await client.get("/livez")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    health = await client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "error"


async def test_security_headers_on_pages_api_and_errors(client):
    for path in ("/login", "/healthz", "/does-not-exist", "/api/me", "/schema/openapi.json"):
        response = await client.get(path)
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"], path


async def test_404_page_is_in_the_layout_and_dutch(client):
    response = await client.get("/bestaat-niet")
    assert response.status_code == 404
    assert '<html lang="nl">' in response.text
    assert "Pagina niet gevonden" in response.text
    assert 'href="#main"' in response.text


async def test_api_errors_are_json_with_a_message(client):
    response = await client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")  # RFC 9457
    assert response.json()["detail"] and response.json()["status"] == 404


async def test_language_switch_sets_cookie_and_lang_attribute(client):
    dutch = await client.get("/login")
    assert '<html lang="nl">' in dutch.text and "Inloggen" in dutch.text
    switched = await client.get("/lang/en?next=/login")
    assert switched.status_code in (302, 303)
    assert switched.headers["location"] == "/login"
    english = await client.get("/login")
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    assert "Inloggen" not in english.text


async def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    assert (await client.get("/lang/fr")).status_code == 404
    response = await client.get("/lang/en?next=//evil.example/")
    assert response.headers["location"] == "/"


async def test_openapi_document_is_served(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/me" in document["paths"]


ASSET_ATTRIBUTES = re.compile(r'<(?:script|img|source|iframe|link)\b[^>]*?\b(?:src|href|srcset)="([^"]*)"', re.I)


async def test_no_assets_from_other_hosts(client):
    for path in ("/login", "/", "/library"):
        page = (await client.get(path)).text
        assets = ASSET_ATTRIBUTES.findall(page)
        assert assets, path  # the layout loads its stylesheet at least
        foreign = [url for url in assets if not url.startswith(("/", "data:")) or url.startswith("//")]
        assert foreign == [], path


async def test_html_pages_mint_csrf_cookie_but_api_and_health_do_not(client):
    await client.get("/healthz")
    await client.get("/api/me")
    assert "events_csrf" not in client.cookies
    await client.get("/login")
    assert "events_csrf" in client.cookies


async def test_signed_in_pages_show_sign_out(client, organiser):
    await login(client, organiser.email)
    page = await client.get("/organiser/tokens")
    assert "Uitloggen" in page.text


async def test_rule_violations_become_4xx_json_and_pages(app):
    from litestar import get

    from events.kernel.errors import Conflict
    from tests.conftest import http_client

    @get("/api/_rule", include_in_schema=False)
    async def api_rule() -> None:
        raise Conflict("Registration is closed", {"email": "Already registered"})

    @get("/_rule", include_in_schema=False)
    async def page_rule() -> None:
        raise Conflict("Page not found")

    app.register(api_rule)
    app.register(page_rule)
    async with http_client(app) as test_client:
        api = await test_client.get("/api/_rule")
        assert api.status_code == 409
        assert api.headers["content-type"].startswith("application/problem+json")
        assert api.json() == {
            "type": "about:blank",
            "title": "Conflict",
            "status": 409,
            "detail": "Registration is closed",
            "errors": [{"field": "email", "message": "Already registered"}],
            # the shape before problem details, kept for existing clients
            "status_code": 409,
            "extra": [{"key": "email", "message": "Already registered"}],
        }
        page = await test_client.get("/_rule")
        assert page.status_code == 409 and "Pagina niet gevonden" in page.text


async def test_anonymous_visits_create_no_session(client, settings):
    for path in ("/healthz", "/login", "/api/me", "/bestaat-niet"):
        response = await client.get(path)
        assert "events_session" not in response.headers.get("set-cookie", ""), path
    sessions = settings.data_dir / "sessions"
    assert not sessions.exists() or not any(sessions.iterdir())


async def test_signing_out_forgets_the_stored_session(client, organiser, settings):
    await login(client, organiser.email)
    sessions = settings.data_dir / "sessions"
    assert any(sessions.iterdir())
    from tests.conftest import post_form

    response = await post_form(client, "/logout", {})
    assert "events_session=null" in response.headers.get("set-cookie", "")
    assert not any(sessions.iterdir())


async def test_every_api_answer_carries_the_api_version_of_the_openapi_document(client):
    version = (await client.get("/schema/openapi.json")).json()["info"]["version"]
    for path in ("/api/events", "/api/me", "/api/does-not-exist"):
        assert (await client.get(path)).headers["api-version"] == version, path
    assert "api-version" not in (await client.get("/login")).headers


async def test_the_language_link_comes_back_to_the_same_page(client):
    for path in ("/archive", "/library", "/login"):
        page = (await client.get(path)).text
        assert f'href="/lang/en?next={path}"' in page, path
    english = (await client.get("/archive?lang=en")).text
    assert 'href="/lang/nl?next=/archive"' in english
