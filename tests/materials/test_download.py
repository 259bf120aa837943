"""Downloads: visibility for anonymous visitors, registrants (manage token) and organisers; the release moment;
safe names in Content-Disposition; panels on the public pages; no personal data on the public paths."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from events.kernel.tokens import hash_token, new_token
from events.materials.tables import Material
from events.programme.tables import Event
from tests.materials.conftest import SESSION_START, sample_pdf, sample_png, upload


async def make_registration(event_id: int, status: str = "confirmed") -> str:
    from events.registration.tables import Registration

    token = new_token()
    email = f"petra.{token[:8].lower()}@gemeente.nl"
    await Registration(
        event=event_id, name="Petra Deelnemer", email=email, email_normalised=email,
        status=status, token_hash=hash_token(token), token_nonce=new_token(),
    ).save()
    return token


async def uploaded(speaker_client, talk, name="slides.pdf", content=None, **settings_) -> dict:
    response = await upload(speaker_client, talk["id"], name, content or sample_pdf())
    assert response.status_code == 201, response.text
    body = response.json()
    if settings_:
        await Material.update({getattr(Material, k): v for k, v in settings_.items()}).where(Material.id == body["id"])
    return body


async def test_download_headers_nosniff_type_and_attachment(speaker_client, talk, client, clock):
    made = await uploaded(speaker_client, talk, "Presentatie weerbaarheid.pdf", release="now")
    response = await client.get(made["url"])
    assert response.status_code == 200
    assert response.content == sample_pdf()
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Presentatie%20weerbaarheid.pdf" in disposition
    assert response.headers["content-length"] == str(len(sample_pdf()))


@pytest.mark.parametrize(
    ("uploaded_name", "expected"),
    [
        ("../../x", "x.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/etc/passwd", "passwd.pdf"),
        ("Überzicht crisisoefening – dag 1.pdf", "Überzicht crisisoefening – dag 1.pdf"),
        ("slides\u202egpj.exe", "slidesgpj.exe.pdf"),  # the RTL override is gone, the real type is appended
        ("x" * 400 + ".pdf", "x" * 146 + ".pdf"),
        ("..pdf", "pdf.pdf"),
        ('quote"semi;colon.pdf', "quote_semi;colon.pdf"),
        ("photo.png", "photo.png.pdf"),
    ],
    ids=["traversal", "windows-traversal", "absolute", "unicode", "rtl-override", "very-long", "only-dots",
         "quote", "lying-extension"],
)
async def test_odd_names_are_stored_safely_and_sent_back_sanitised(
    speaker_client, talk, client, settings, uploaded_name, expected
):
    response = await upload(speaker_client, talk["id"], uploaded_name, sample_pdf())
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["name"] == expected
    # Stored under a generated key below the data dir, whatever the name said.
    root = (settings.data_dir / "materials").resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].resolve().is_relative_to(root)
    assert not (settings.data_dir.parent / "x").exists()
    await Material.update({Material.release: "now"}).where(Material.id == made["id"])
    download = await client.get(made["url"])
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    assert f"filename*=UTF-8''{quote(expected, safe='')}" in disposition
    assert "\u202e" not in disposition and "\x00" not in disposition and "/" not in disposition.split("filename*=")[1]
    ascii_part = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part.isascii() and '"' not in ascii_part


async def test_visibility_public_registrants_organisers(speaker_client, talk, event, client, organiser_client):
    public = await uploaded(speaker_client, talk, "public.pdf", release="now", visibility="public")
    registrants = await uploaded(speaker_client, talk, "registrants.pdf", release="now", visibility="registrants")
    organisers = await uploaded(speaker_client, talk, "organisers.pdf", release="now", visibility="organisers")
    token = await make_registration(event["id"])
    cancelled = await make_registration(event["id"], status="cancelled")

    # Anonymous: only the public file.
    assert (await client.get(public["url"])).status_code == 200
    assert (await client.get(registrants["url"])).status_code == 403
    assert (await client.get(organisers["url"])).status_code == 404
    listed = await client.get(f"/api/sessions/{talk['id']}/materials")
    assert [m["name"] for m in listed.json()] == ["public.pdf"]
    assert "versions" not in listed.json()[0] or listed.json()[0]["versions"] is None

    # A registrant, through the manage token: public and registrants' files, never the organisers' one.
    assert (await client.get(registrants["url"], params={"registration": token})).status_code == 200
    assert (await client.get(organisers["url"], params={"registration": token})).status_code == 404
    listed = await client.get(f"/api/sessions/{talk['id']}/materials", params={"registration": token})
    assert sorted(m["name"] for m in listed.json()) == ["public.pdf", "registrants.pdf"]
    # A wrong token, a cancelled registration, or a token of another event's registration: no access.
    assert (await client.get(registrants["url"], params={"registration": "guess"})).status_code == 403
    assert (await client.get(registrants["url"], params={"registration": cancelled})).status_code == 403
    other = Event(slug="ander", title="Ander", status="published", organiser=event["organiser"],
                  organisation=event["organisation"],
                  starts_at=event["starts_at"], ends_at=event["ends_at"])
    await other.save()
    foreign = await make_registration(other.id)
    assert (await client.get(registrants["url"], params={"registration": foreign})).status_code == 403

    # The organiser sees everything.
    for made in (public, registrants, organisers):
        assert (await organiser_client.get(made["url"])).status_code == 200
    listed = await organiser_client.get(f"/api/sessions/{talk['id']}/materials")
    assert len(listed.json()) == 3 and listed.json()[0]["versions"]


async def test_release_moment_follows_the_clock(speaker_client, talk, client, clock, organiser_token):
    at_start = await uploaded(speaker_client, talk, "at-start.pdf")  # default: released when the session starts
    chosen = await uploaded(speaker_client, talk, "chosen.pdf")
    response = await client.patch(
        f"/api/materials/{chosen['id']}", json={"release_at": "2026-12-06T17:00:00+01:00"},
        headers={"authorization": f"Bearer {organiser_token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["release"] == "at" and response.json()["released"] is False

    clock.set(SESSION_START.replace(minute=0) - __import__("datetime").timedelta(seconds=1))
    assert (await client.get(at_start["url"])).status_code == 404
    assert (await client.get(f"/api/sessions/{talk['id']}/materials")).json() == []
    clock.set(SESSION_START)
    assert (await client.get(at_start["url"])).status_code == 200
    assert (await client.get(chosen["url"])).status_code == 404
    clock.set(datetime(2026, 12, 6, 16, 0, tzinfo=UTC))  # = 17:00 in Amsterdam
    assert (await client.get(chosen["url"])).status_code == 200
    assert sorted(m["name"] for m in (await client.get(f"/api/sessions/{talk['id']}/materials")).json()) == [
        "at-start.pdf", "chosen.pdf"
    ]


async def test_patch_validates_and_belongs_to_the_events_organiser(speaker_client, talk, client, organiser_token, other_organiser):
    from events.accounts import service as accounts

    made = await uploaded(speaker_client, talk)
    auth = {"authorization": f"Bearer {organiser_token}"}
    bad = await client.patch(f"/api/materials/{made['id']}", json={"visibility": "everyone"}, headers=auth)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "visibility"
    bad = await client.patch(f"/api/materials/{made['id']}", json={"release": "at"}, headers=auth)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "release_at"
    other = await accounts.create_api_token(other_organiser.id)
    denied = await client.patch(f"/api/materials/{made['id']}", json={"visibility": "public"},
                                headers={"authorization": f"Bearer {other}"})
    assert denied.status_code == 404  # another organisation: as for a missing file
    ok = await client.patch(f"/api/materials/{made['id']}", json={"visibility": "organisers", "release": "now"}, headers=auth)
    assert ok.status_code == 200 and ok.json()["visibility"] == "organisers" and ok.json()["released"] is True
    assert (await client.get(made["url"])).status_code == 404
    assert (await client.delete(f"/api/materials/{made['id']}", headers={"authorization": f"Bearer {other}"})).status_code == 404
    assert (await client.delete(f"/api/materials/{made['id']}", headers=auth)).status_code == 204
    assert (await client.get(made["url"])).status_code == 404


async def test_draft_event_shows_nothing_publicly(speaker_client, talk, event, client):
    made = await uploaded(speaker_client, talk, release="now")
    await Event.update({Event.status: "draft"}).where(Event.id == event["id"])
    assert (await client.get(made["url"])).status_code == 404
    assert (await client.get(f"/api/sessions/{talk['id']}/materials")).status_code == 404


async def test_earlier_versions_are_not_public(speaker_client, talk, client):
    made = await uploaded(speaker_client, talk, release="now")
    await speaker_client.post(f"/api/materials/{made['id']}/versions", files={"file": ("v2.png", sample_png())},
                              headers={"x-csrftoken": speaker_client.cookies.get("events_csrf")})
    assert (await client.get(made["url"])).content == sample_png()
    assert (await client.get(made["url"], params={"version": 1})).status_code == 404
    assert (await speaker_client.get(made["url"], params={"version": 1})).content == sample_pdf()


async def test_public_pages_show_released_public_materials_without_personal_data(speaker_client, talk, event, client, clock):
    made = await uploaded(speaker_client, talk, "keynote.pdf")
    hidden = await uploaded(speaker_client, talk, "internal.pdf", release="now", visibility="organisers")
    session_page = await client.get(f"/events/{event['slug']}/sessions/{talk['id']}")
    assert session_page.status_code == 200
    assert "keynote.pdf" not in session_page.text  # not released before the session starts
    clock.set(SESSION_START)
    session_page = await client.get(f"/events/{event['slug']}/sessions/{talk['id']}")
    assert session_page.status_code == 200
    for page in (session_page,):
        assert made["url"] in page.text
        assert "internal.pdf" not in page.text and hidden["url"] not in page.text
        assert "meet.example" not in page.text and "spreker@universiteit.nl" not in page.text
    api = await client.get(f"/api/sessions/{talk['id']}/materials")
    assert "spreker@universiteit.nl" not in api.text and "meet.example" not in api.text and "storage" not in api.text


async def test_manage_panel_links_carry_the_registration_token(speaker_client, talk, event, clock, app):
    from types import SimpleNamespace

    from events.materials.routes.sections import manage_panel

    await uploaded(speaker_client, talk, "for-registrants.pdf", release="now", visibility="registrants")
    token = await make_registration(event["id"])
    request = SimpleNamespace(app=app)
    panel = await manage_panel(event=event, registration=SimpleNamespace(status="confirmed"), token=token, request=request)
    url = panel.context["rows"][0]["materials"][0].url
    assert f"registration={token}" in url
    assert await manage_panel(event=event, registration=SimpleNamespace(status="cancelled"), token=token, request=request) is None


async def test_nul_and_newline_in_the_raw_filename_are_removed(speaker_client, talk):
    body = (
        b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00b\x07c.pdf\"\r\n\r\n"
        + sample_pdf() + b"\r\n--zz--\r\n"
    )
    response = await speaker_client.post(
        f"/api/sessions/{talk['id']}/materials", content=body,
        headers={"content-type": "multipart/form-data; boundary=zz", "x-csrftoken": speaker_client.cookies.get("events_csrf")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "abc.pdf"


async def test_event_page_panel_lists_released_public_materials(speaker_client, talk, event, app, clock):
    from types import SimpleNamespace

    from events.materials.routes.sections import event_panel
    from events.programme.service import public_event

    made = await uploaded(speaker_client, talk, "keynote.pdf")
    await uploaded(speaker_client, talk, "internal.pdf", release="now", visibility="organisers")
    request = SimpleNamespace(app=app, scope={})
    public = await public_event(event["slug"])
    assert await event_panel(event=public, request=request, current_user=None) is None  # not released yet
    clock.set(SESSION_START)
    panel = await event_panel(event=public, request=request, current_user=None)
    rows = panel.context["rows"]
    assert [m.url for m in rows[0]["materials"]] == [made["url"]]


async def test_the_cached_event_page_shows_a_release_and_a_withdrawal_at_once(speaker_client, talk, event, client, clock, monkeypatch):
    from datetime import timedelta
    from types import SimpleNamespace

    from events.web import public_cache

    path = f"/events/{event['slug']}"
    made = await uploaded(speaker_client, talk, "keynote.pdf")  # released when the session starts
    clock.set(SESSION_START - timedelta(seconds=5))
    assert made["url"] not in (await client.get(path)).text
    clock.set(SESSION_START)  # time alone releases it: the cached entry ended at that moment
    real = public_cache.time
    monkeypatch.setattr(public_cache, "time", SimpleNamespace(monotonic=lambda: real.monotonic() + 6, time=real.time))
    assert made["url"] in (await client.get(path)).text
    await Material.update({Material.visibility: "organisers"}).where(Material.id == made["id"])  # the trigger
    assert made["url"] not in (await client.get(path)).text
