"""Themes per organisation: a colour refused below WCAG contrast (with the ratio), logos checked (PNG) and sanitised
or refused (SVG), the stylesheet and logo served with safe headers, and the theme on event pages, embeds and mails."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from events.accounts import service as accounts
from events.audit import service as audit
from events.kernel.errors import RuleViolation
from events.mail.tables import OutboxMessage
from events.organisations import service
from events.organisations.service.colours import checked_colour, contrast_ratio, shown_ratio
from events.organisations.service.logos import MAX_LOGO_BYTES, checked_logo
from events.organisations.tables import Organisation, OrganisationLogo
from events.registration.service.links import ManageLinks
from events.registration.service.mails import registration_mail_composer
from events.registration.tables import Registration
from tests.conftest import NOW, get_csrf, login, post_form

SETTINGS = "/organiser/organisations/gemeente-a/settings"
CLEAN_SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
    b'viewBox="0 0 40 10" inkscape:version="1.3"><metadata><rdf>made with Inkscape</rdf></metadata>'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#0b6e4f"/></linearGradient></defs>'
    b'<title>Gemeente A</title><rect width="40" height="10" fill="url(#g)"/><use href="#g"/>'
    b'<text x="2" y="8" font-size="6">Gemeente <tspan font-weight="bold">A</tspan></text></svg>'
)
SCRIPTED = {
    "script element": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script><rect width="1" height="1"/></svg>',
    "onload attribute": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "javascript: href": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<a xlink:href="JaVa&#x09;Script:alert(1)"><rect width="1" height="1"/></a></svg>',
    "external href": b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/sprite.svg#logo"/></svg>',
}
REASONS = {
    "script element": "contains a script",
    "onload attribute": "event attribute (such as onload)",
    "javascript: href": "javascript: address",
    "external href": "refers to files or addresses outside the logo",
}


def png_bytes(width: int = 20, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 110, 79)).save(buffer, format="PNG")
    return buffer.getvalue()


async def _settings_form(client, data: dict, files: dict | None = None):
    token = await get_csrf(client, SETTINGS)
    fields = {"_csrf_token": token, "name": "Gemeente A", **data}
    return await client.post(SETTINGS, data=fields, files=files or {"logo": ("", b"", "application/octet-stream")})


# --- the colour --------------------------------------------------------------------------------------------------


def test_contrast_follows_wcag_and_the_shown_ratio_never_rounds_up():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the classic lightest grey that passes on white
    assert shown_ratio(4.4999) == 4.4
    assert checked_colour("#0B6E4F") == ("#0b6e4f", None)
    assert checked_colour("#abc")[0] == "#aabbcc"
    assert checked_colour("") == ("", None)
    assert "hex code" in checked_colour("blauw")[1]
    # on white 4.54:1 passes, on the light grey of notices it does not: that pair is named
    assert "light grey" in checked_colour("#767676")[1] and "4.1:1" in checked_colour("#767676")[1]


async def test_a_low_contrast_colour_is_refused_in_the_form_with_the_ratio_in_dutch(client, team):
    await login(client, team.owner.email)
    response = await _settings_form(client, {"primary_colour": "#aaaaaa"})
    assert response.status_code == 400
    assert "Deze kleur heeft te weinig contrast met wit (2,3:1; minimaal 4,5:1)" in response.text
    assert 'href="#field-primary_colour"' in response.text  # the error summary leads to the field
    assert 'value="#aaaaaa"' in response.text  # what was typed stays
    row = await Organisation.select(Organisation.primary_colour).where(Organisation.slug == "gemeente-a").first()
    assert row["primary_colour"] == ""


async def test_a_low_contrast_colour_is_refused_by_the_api_as_problem_details(api, owner_headers, team):
    response = await api.patch("/api/organisations/gemeente-a", json={"primary_colour": "#ffbf47", "name": "Nieuw"},
                               headers=owner_headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and body["detail"]
    [error] = body["errors"]
    assert error["field"] == "primary_colour"
    assert "too little contrast with white (1.6:1; at least 4.5:1)" in error["message"]
    row = await Organisation.select().where(Organisation.slug == "gemeente-a").first()
    assert row["name"] == "Gemeente A" and row["primary_colour"] == ""  # nothing half-written


async def test_a_good_colour_is_saved_and_becomes_the_stylesheet(api, client, owner_headers, team):
    saved = await api.patch("/api/organisations/gemeente-a", json={"primary_colour": "#0B6E4F"}, headers=owner_headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["primary_colour"] == "#0b6e4f"
    css = await client.get(saved.json()["stylesheet_url"])
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "--color-primary: #0b6e4f;" in css.text
    assert "immutable" in css.headers["cache-control"]  # asked for with the current version
    unversioned = await client.get("/organisations/gemeente-a/theme.css")
    assert unversioned.headers["cache-control"] == "public, no-cache"
    again = await client.get("/organisations/gemeente-a/theme.css", headers={"if-none-match": css.headers["etag"]})
    assert again.status_code == 304
    entries = await audit.entries(organisation_id=team.organisation.id, action_prefix="organisations.", limit=5)
    assert any("primary_colour" in entry.detail for entry in entries)


# --- the logo ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCRIPTED))
def test_scripted_svgs_are_refused_not_cleaned(kind):
    with pytest.raises(RuleViolation) as refused:
        checked_logo(SCRIPTED[kind], "logo.svg", "image/svg+xml")
    assert REASONS[kind] in refused.value.errors["logo"]


def test_other_dangerous_svg_content_is_refused():
    for data in (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/p.svg#x)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onclick" to="alert(1)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><metadata><script xmlns="http://www.w3.org/1999/xhtml">x</script></metadata></svg>',
        b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
    ):
        with pytest.raises(RuleViolation) as refused:
            checked_logo(data, "logo.svg")
        assert "logo" in refused.value.errors, data


def test_a_clean_svg_keeps_its_drawing_and_loses_editor_metadata():
    kept = checked_logo(CLEAN_SVG, "logo.svg")
    assert kept.content_type == "image/svg+xml"
    text = kept.data.decode()
    assert "inkscape" not in text and "metadata" not in text
    assert 'fill="url(#g)"' in text and "<tspan" in text and "Gemeente " in text
    assert text.count("<svg") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in text


def test_pngs_are_verified():
    assert checked_logo(png_bytes(), "logo.png").content_type == "image/png"
    with pytest.raises(RuleViolation) as broken:
        checked_logo(png_bytes()[:40] + b"\x00" * 40, "logo.png")
    assert "not a PNG image" in broken.value.errors["logo"]
    with pytest.raises(RuleViolation) as renamed:
        checked_logo(b"GIF89a....", "logo.png")
    assert "not a PNG image" in renamed.value.errors["logo"]
    with pytest.raises(RuleViolation) as other:
        checked_logo(b"%PDF-1.4 ...", "slides.pdf", "application/pdf")
    assert other.value.status_code == 415
    with pytest.raises(RuleViolation) as large:
        checked_logo(png_bytes() + b"\x00" * MAX_LOGO_BYTES, "logo.png")
    assert large.value.status_code == 413


async def test_the_api_refuses_a_scripted_svg_with_the_reason(api, owner_headers, team):
    response = await api.put("/api/organisations/gemeente-a/logo", headers=owner_headers,
                             files={"file": ("logo.svg", SCRIPTED["onload attribute"], "image/svg+xml")})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "onload" in response.json()["errors"][0]["message"]
    assert await OrganisationLogo.count() == 0


async def test_the_form_refuses_a_scripted_svg_in_dutch_and_saves_nothing(client, team):
    await login(client, team.owner.email)
    response = await _settings_form(client, {"primary_colour": "#0b6e4f"},
                                    files={"logo": ("logo.svg", SCRIPTED["script element"], "image/svg+xml")})
    assert response.status_code == 400
    assert "Deze SVG bevat een script" in response.text
    row = await Organisation.select().where(Organisation.slug == "gemeente-a").first()
    assert row["primary_colour"] == "" and row["logo_type"] == ""


async def test_an_svg_logo_is_served_with_a_policy_that_runs_nothing(api, client, owner_headers, team):
    response = await api.put("/api/organisations/gemeente-a/logo", headers=owner_headers,
                             files={"file": ("logo.svg", CLEAN_SVG, "image/svg+xml")})
    assert response.status_code == 200, response.text
    logo_url = response.json()["logo_url"]
    served = await client.get(logo_url)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/svg+xml")
    assert served.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert b"inkscape" not in served.content and b"<rect" in served.content
    assert (await client.get(logo_url, headers={"if-none-match": served.headers["etag"]})).status_code == 304


async def test_a_png_logo_through_the_form_then_removed(client, team):
    await login(client, team.owner.email)
    data = png_bytes()
    saved = await _settings_form(client, {"primary_colour": "#0b6e4f"}, files={"logo": ("logo.png", data, "image/png")})
    assert saved.status_code == 303, saved.text
    served = await client.get("/organisations/gemeente-a/logo")
    assert served.headers["content-type"] == "image/png" and served.content == data
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in served.headers["content-security-policy"]
    page = await client.get(SETTINGS)
    assert "/organisations/gemeente-a/logo?v=" in page.text and 'name="remove_logo"' in page.text
    removed = await _settings_form(client, {"primary_colour": "#0b6e4f", "remove_logo": "1"})
    assert removed.status_code == 303
    assert (await client.get("/organisations/gemeente-a/logo")).status_code == 404
    assert await OrganisationLogo.count() == 0


async def test_viewers_and_editors_cannot_change_the_theme(api, team):
    for member in (team.editor, team.viewer):
        headers = {"authorization": f"Bearer {await accounts.create_api_token(member.id, label='tests')}"}
        response = await api.put("/api/organisations/gemeente-a/logo", headers=headers,
                                 files={"file": ("logo.png", png_bytes(), "image/png")})
        assert response.status_code == 403
        patch = await api.patch("/api/organisations/gemeente-a", json={"primary_colour": "#0b6e4f"}, headers=headers)
        assert patch.status_code == 403
    assert await OrganisationLogo.count() == 0


# --- where the theme shows ---------------------------------------------------------------------------------------


async def test_the_theme_shows_on_the_event_page_and_the_embed_at_the_next_request(api, client, owner_headers, make_event, team):
    event = await make_event()
    before = await client.get(f"/events/{event['slug']}")
    first_css = await client.get("/organisations/gemeente-a/theme.css")  # now kept in the public cache
    assert "--color-primary" not in first_css.text
    await api.patch("/api/organisations/gemeente-a", json={"primary_colour": "#0b6e4f"}, headers=owner_headers)
    await api.put("/api/organisations/gemeente-a/logo", headers=owner_headers,
                  files={"file": ("logo.png", png_bytes(), "image/png")})
    css = await client.get("/organisations/gemeente-a/theme.css")
    assert "--color-primary: #0b6e4f;" in css.text and css.headers["etag"] != first_css.headers["etag"]
    theme = service.theme_for(await service.organisation_by_id(team.organisation.id))
    for path in (f"/events/{event['slug']}", f"/events/{event['slug']}/register", "/embed/gemeente-a/events",
                 f"/embed/events/{event['slug']}/register"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert f'<link rel="stylesheet" href="{theme.stylesheet_url}">' in page.text, path
        assert f'src="{theme.logo_url}"' in page.text and 'alt="Logo van Gemeente A"' in page.text, path
    assert theme.stylesheet_url not in before.text


async def test_the_registration_mail_wears_the_colour(client, make_event, team, settings):
    await Organisation.update({Organisation.primary_colour: "#0b6e4f"}).where(Organisation.id == team.organisation.id)
    event = await make_event()
    response = await post_form(client, f"/events/{event['slug']}/register", {"name": "Ada", "email": "ada@example.nl"})
    assert response.status_code < 400, response.text
    assert await Registration.count() == 1
    message = await OutboxMessage.select().where(OutboxMessage.to_address == "ada@example.nl").first()
    html = message["html_body"] or ""
    if not html:  # written unrendered: rendered at delivery by the registration composer
        html = (await registration_mail_composer(ManageLinks.from_settings(settings))(message, NOW))["html_body"]
    assert "background: #0b6e4f" in html and "Gemeente A" in html
    assert re.search(r'style="color: #0b6e4f;">', html)
