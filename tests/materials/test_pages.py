"""The speaker's home and the organiser's materials page: plain forms that work without JavaScript, Dutch
messages for every refusal, guards, and personal links that stop working when expired or revoked."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from events.accounts import service as accounts
from events.app import create_app
from events.materials.tables import Material, MaterialVersion
from events.programme.tables import Event
from tests.conftest import PASSWORD, http_client, login
from tests.materials.conftest import WINDOWS_EXE, sample_docx, sample_pdf, sign_in_by_link, upload


def form_action(html: str, prefix: str) -> str:
    match = re.search(r'action="(' + re.escape(prefix) + r'[^"]*)"', html)
    assert match, f"no form posting to {prefix}"
    return match.group(1).replace("&amp;", "&")


async def test_speaker_home_lists_sessions_and_uploads_with_a_plain_form(speaker_client, talk):
    home = await speaker_client.get("/speaker")
    assert home.status_code == 200
    assert talk["title"] in home.text and 'type="file"' in home.text and 'enctype="multipart/form-data"' in home.text
    assert 'src="/static/js/materials-upload.js"' in home.text and "<script>" not in home.text
    action = form_action(home.text, f"/speaker/sessions/{talk['id']}/materials")
    assert "_csrf_token" not in action  # never in the URL (logs, history, Referer)
    form = home.text[home.text.index(f'action="{action}"'):]
    assert re.match(r'[^>]*>\s*(\{#.*?#\}\s*)?<input type="hidden" name="_csrf_token"', form, re.S)  # the first field
    token = speaker_client.cookies.get("events_csrf")
    response = await speaker_client.post(action, data={"_csrf_token": token}, files={"file": ("Mijn slides.docx", sample_docx())})
    assert response.status_code == 303 and response.headers["location"].startswith("/speaker?done=uploaded")
    home = await speaker_client.get("/speaker?done=uploaded")
    assert "Het bestand is geüpload." in home.text and "Mijn slides.docx" in home.text

    # Replace (a new version) and remove, both through plain forms.
    material_id = (await Material.select(Material.id).first())["id"]
    replace_action = form_action(home.text, f"/speaker/materials/{material_id}/versions")
    response = await speaker_client.post(replace_action, data={"_csrf_token": speaker_client.cookies.get("events_csrf")}, files={"file": ("v2.pdf", sample_pdf())})
    assert response.status_code == 303
    home = await speaker_client.get("/speaker")
    assert "versie 2" in home.text and "Eerdere versies" in home.text
    response = await speaker_client.post(
        f"/speaker/materials/{material_id}/remove", data={"_csrf_token": speaker_client.cookies.get("events_csrf")}
    )
    assert response.status_code == 303
    assert await Material.count() == 0


async def test_plain_form_upload_without_csrf_token_is_refused(speaker_client, talk):
    response = await speaker_client.post(f"/speaker/sessions/{talk['id']}/materials", files={"file": ("s.pdf", sample_pdf())})
    assert response.status_code == 403
    assert await Material.count() == 0


async def test_refusals_on_the_speaker_page_are_dutch_messages(settings, clock, engine, speaker, talk, event):
    small = replace(settings, max_upload_mb=1)
    async with http_client(create_app(small, clock=clock, engine=engine)) as client:
        await sign_in_by_link(client, speaker, clock)
        home = await client.get("/speaker")
        action = form_action(home.text, f"/speaker/sessions/{talk['id']}/materials")

        wrong = await client.post(action, data={"_csrf_token": client.cookies.get("events_csrf")}, files={"file": ("slides.pdf", WINDOWS_EXE)})
        assert wrong.status_code == 415
        assert "Dit soort bestand wordt niet geaccepteerd" in wrong.text and 'id="error-summary"' in wrong.text
        assert 'aria-invalid="true"' in wrong.text

        big = await client.post(action, data={"_csrf_token": client.cookies.get("events_csrf")}, files={"file": ("big.pdf", b"%PDF-1.4\n" + b"x" * (2 * 1024 * 1024))})
        assert big.status_code == 413 and "groter dan de uploadlimiet" in big.text

        await Event.update({Event.upload_deadline: clock.now() - timedelta(minutes=1)}).where(Event.id == event["id"])
        late = await client.post(action, data={"_csrf_token": client.cookies.get("events_csrf")}, files={"file": ("late.pdf", sample_pdf())})
        assert late.status_code == 409 and "uploaddeadline" in late.text
        home = await client.get("/speaker")
        assert "is verstreken" in home.text and f"/speaker/sessions/{talk['id']}/materials" not in home.text
    assert await Material.count() == 0


async def test_other_speakers_session_is_403_on_the_page(speaker_client, other_talk):
    token = speaker_client.cookies.get("events_csrf")
    response = await speaker_client.post(
        f"/speaker/sessions/{other_talk['id']}/materials", data={"_csrf_token": token}, files={"file": ("s.pdf", sample_pdf())}
    )
    assert response.status_code == 403 and "niet uw sessie" in response.text
    assert await Material.count() == 0


async def test_anonymous_is_sent_to_login(client):
    response = await client.get("/speaker")
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")


async def test_expired_personal_link_gives_no_access(client, speaker, clock, talk):
    token = await accounts.create_personal_link(speaker.id, clock.now(), lifetime=timedelta(days=1))
    clock.advance(days=2)
    response = await client.get(f"/p/{token}")
    assert response.status_code == 404
    assert (await client.get("/speaker")).status_code in (302, 303)
    response = await upload(client, talk["id"], "s.pdf", sample_pdf())
    assert response.status_code == 401


async def test_revoked_or_expired_link_also_ends_the_session_it_started(speaker_client, speaker, clock, talk):
    assert (await upload(speaker_client, talk["id"], "s.pdf", sample_pdf())).status_code == 201
    await accounts.revoke_personal_links(speaker.id, clock.now())
    assert (await speaker_client.get("/speaker")).status_code == 403
    response = await upload(speaker_client, talk["id"], "t.pdf", sample_pdf())
    assert response.status_code == 403 and "expired or was revoked" in response.json()["detail"]
    listed = await speaker_client.get(f"/api/sessions/{talk['id']}/materials")
    assert all(m["versions"] is None for m in listed.json())  # no longer an insider
    assert await MaterialVersion.count() == 1


async def test_link_expiry_while_signed_in(app, speaker, clock, talk):
    async with http_client(app) as client:
        token = await accounts.create_personal_link(speaker.id, clock.now(), lifetime=timedelta(hours=1))
        assert (await client.get(f"/p/{token}")).status_code == 303
        assert (await client.get("/speaker")).status_code == 200
        clock.advance(hours=2)
        assert (await client.get("/speaker")).status_code == 403


async def test_organiser_page_deadline_settings_upload_and_remove(organiser_client, event, talk, speaker_client, client, clock):
    await upload(speaker_client, talk["id"], "keynote.pdf", sample_pdf())
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/materials")
    assert page.status_code == 200 and "keynote.pdf" in page.text and "Alle versies" in page.text
    csrf = organiser_client.cookies.get("events_csrf")

    # The deadline is entered in the event's time zone.
    response = await organiser_client.post(
        f"/organiser/events/{event['slug']}/materials/deadline", data={"upload_deadline": "2026-12-01T17:00", "_csrf_token": csrf}
    )
    assert response.status_code == 303
    saved = await Event.select(Event.upload_deadline).where(Event.id == event["id"]).first()
    assert saved["upload_deadline"] == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    bad = await organiser_client.post(
        f"/organiser/events/{event['slug']}/materials/deadline", data={"upload_deadline": "morgen", "_csrf_token": csrf}
    )
    assert bad.status_code == 400 and "Geef een datum en tijd" in bad.text

    material_id = (await Material.select(Material.id).first())["id"]
    response = await organiser_client.post(
        f"/organiser/materials/{material_id}/settings",
        data={"visibility": "registrants", "release": "at", "release_at": "2026-12-06T12:30", "_csrf_token": csrf},
    )
    assert response.status_code == 303
    row = await Material.select().where(Material.id == material_id).first()
    assert row["visibility"] == "registrants" and row["release_at"] == datetime(2026, 12, 6, 11, 30, tzinfo=UTC)
    bad = await organiser_client.post(
        f"/organiser/materials/{material_id}/settings",
        data={"visibility": "registrants", "release": "at", "release_at": "", "_csrf_token": csrf},
    )
    assert bad.status_code == 400 and "Geef het moment van vrijgave" in bad.text

    # Upload on behalf of the speaker, through the plain form (token in the first field).
    page = await organiser_client.get(f"/organiser/events/{event['slug']}/materials")
    action = form_action(page.text, f"/organiser/sessions/{talk['id']}/materials")
    response = await organiser_client.post(action, data={"_csrf_token": organiser_client.cookies.get("events_csrf")}, files={"file": ("namens.pdf", sample_pdf())})
    assert response.status_code == 303
    refused = await organiser_client.post(action, data={"_csrf_token": organiser_client.cookies.get("events_csrf")}, files={"file": ("x.pdf", b"MZ not a pdf")})
    assert refused.status_code == 415 and "niet geaccepteerd" in refused.text
    assert await Material.count() == 2

    response = await organiser_client.post(f"/organiser/materials/{material_id}/remove", data={"_csrf_token": csrf})
    assert response.status_code == 303 and await Material.count() == 1


async def test_other_organiser_cannot_see_or_change_the_materials(app, event, talk, speaker_client, other_organiser):
    made = (await upload(speaker_client, talk["id"], "keynote.pdf", sample_pdf())).json()
    async with http_client(app) as other:
        await login(other, other_organiser.email, PASSWORD)
        assert (await other.get(f"/organiser/events/{event['slug']}/materials")).status_code == 404
        csrf = other.cookies.get("events_csrf")
        for path in (f"/organiser/materials/{made['id']}/remove", f"/organiser/materials/{made['id']}/settings"):
            assert (await other.post(path, data={"_csrf_token": csrf, "visibility": "public"})).status_code == 404
        response = await other.post(
            f"/organiser/sessions/{talk['id']}/materials", data={"_csrf_token": csrf}, files={"file": ("x.pdf", sample_pdf())}
        )
        assert response.status_code == 404
        # And a speaker is not an organiser.
    assert (await speaker_client.get(f"/organiser/events/{event['slug']}/materials")).status_code == 403
    assert await Material.count() == 1


async def test_organiser_dashboard_links_to_materials(organiser_client, event):
    page = await organiser_client.get(f"/organiser/events/{event['slug']}")
    assert page.status_code == 200
    assert f"/organiser/events/{event['slug']}/materials" in page.text


async def test_speaker_home_works_in_english_and_at_small_widths_has_no_inline_styles(speaker_client, talk):
    page = await speaker_client.get("/speaker?lang=en")
    assert "My sessions" in page.text and "Upload" in page.text
    assert "style=" not in page.text
