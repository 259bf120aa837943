"""The site's statutory pages: the accessibility statement, the privacy statement (with each organisation's own),
security.txt (RFC 9116) and HSTS."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager

from events.app import create_app
from events.kernel.settings import Settings, SettingsError
from events.organisations.tables import Organisation
from events.web.headers import HSTS
from tests.programme.helpers import make_event


async def test_accessibility_statement_in_dutch_follows_the_template(client, settings):
    page = await client.get("/toegankelijkheid")
    assert page.status_code == 200
    for heading in ("Toegankelijkheidsverklaring", "Status", "De norm", "Hoe we het hebben onderzocht",
                    "Wat nog niet goed werkt", "Contact en klachten"):
        assert f">{heading}</h" in page.text, heading
    assert "WCAG 2.1" in page.text and "EN 301 549" in page.text and "axe-core" in page.text
    assert "toetsenbord" in page.text and "Nationale ombudsman" in page.text
    assert f"mailto:{settings.contact_email}" in page.text


async def test_accessibility_statement_in_english(client):
    page = await client.get("/toegankelijkheid?lang=en")
    assert page.status_code == 200 and "<h1>Accessibility statement</h1>" in page.text
    assert "Known limitations" in page.text and "keyboard" in page.text


async def test_footer_links_both_statements_on_every_page(client, organiser):
    event = await make_event(organiser.id)
    for path in ("/", "/archive", f"/events/{event['slug']}", "/privacy", "/toegankelijkheid", "/login"):
        text = (await client.get(path)).text
        assert 'href="/toegankelijkheid"' in text and 'href="/privacy"' in text, path


async def test_privacy_in_both_languages_names_purpose_retention_contact_and_organisation_statements(
    client, settings, organiser
):
    event = await make_event(organiser.id)
    await Organisation.update({Organisation.privacy_url: "https://gemeente.example/privacy"}).where(
        Organisation.id == event["organisation"]
    )
    dutch = await client.get("/privacy")
    assert "Waarom we die gebruiken" in dutch.text and f"{settings.retention_days} dagen" in dutch.text
    assert f"mailto:{settings.contact_email}" in dutch.text and 'href="https://gemeente.example/privacy"' in dutch.text
    english = await client.get("/privacy?lang=en")
    assert "Why we use it" in english.text and f"{settings.retention_days} days" in english.text


async def test_event_page_links_its_organisations_own_statements(client, organiser):
    event = await make_event(organiser.id)
    page = await client.get(f"/events/{event['slug']}")
    assert "toegankelijkheidsverklaring</a>" not in page.text  # none set yet
    await Organisation.update({
        Organisation.privacy_url: "https://gemeente.example/privacy",
        Organisation.accessibility_url: "https://gemeente.example/toegankelijkheid",
    }).where(Organisation.id == event["organisation"])
    page = await client.get(f"/events/{event['slug']}")
    assert "Georganiseerd door" in page.text
    assert '<a href="https://gemeente.example/toegankelijkheid">toegankelijkheidsverklaring</a>' in page.text
    assert '<a href="https://gemeente.example/privacy">privacyverklaring</a>' in page.text


async def test_security_txt_fields_and_expiry_within_a_year(client, settings, clock):
    answer = await client.get("/.well-known/security.txt")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in answer.text.strip().splitlines())
    assert fields["Contact"] == settings.security_contact
    assert fields["Preferred-Languages"] == "nl, en"
    assert fields["Canonical"] == "http://testserver.local/.well-known/security.txt"
    expires = datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert clock.now() < expires < clock.now() + timedelta(days=365)
    assert expires == (clock.now() + timedelta(days=settings.security_txt_days)).replace(microsecond=0)


def test_security_settings_from_the_environment():
    settings = Settings.from_env({"EVENTS_SECURITY_CONTACT": "https://gemeente.example/melden",
                                  "EVENTS_SECURITY_TXT_DAYS": "90", "EVENTS_CONTACT_EMAIL": "a11y@gemeente.example",
                                  "EVENTS_SECRET_KEY": "x" * 32})
    assert (settings.security_contact, settings.security_txt_days, settings.contact_email) == (
        "https://gemeente.example/melden", 90, "a11y@gemeente.example")
    for bad in ({"EVENTS_SECURITY_CONTACT": "security@example.org"}, {"EVENTS_SECURITY_TXT_DAYS": "365"}):
        with pytest.raises(SettingsError):
            Settings.from_env({"EVENTS_SECRET_KEY": "x" * 32, **bad})


async def test_hsts_lasts_at_least_a_year_when_served_over_https(settings, clock, engine):
    assert int(HSTS.split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600
    app = create_app(dataclasses.replace(settings, base_url="https://events.example"), clock=clock, engine=engine)
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://events.example"
    ) as https_client:
        answer = await https_client.get("/.well-known/security.txt")
    assert answer.headers["strict-transport-security"] == HSTS
    assert "Canonical: https://events.example/.well-known/security.txt" in answer.text
