"""The import page of the back office: upload (multipart + CSRF) → the preview with every bad-row kind, in Dutch →
the choice of mails → commit → the result; viewers see it without forms; another organisation finds nothing."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import openpyxl
import pytest

from events.mail.tables import OutboxMessage
from events.registration import service as registration
from events.registration.tables import Registration
from tests.conftest import http_client, login
from tests.imports.test_import import CSV


@pytest.fixture
async def editor_client(app, team) -> AsyncIterator:
    async with http_client(app) as client:
        await login(client, team.editor.email)
        yield client


async def _upload(client, slug: str, content: bytes, filename: str = "lijst.csv", **form):
    await client.get(f"/organiser/events/{slug}/imports")
    token = client.cookies.get("events_csrf") or ""
    return await client.post(f"/organiser/events/{slug}/imports", data={"_csrf_token": token, **form},
                             files={"file": (filename, content, "text/csv")})


async def test_upload_preview_every_problem_then_commit_without_mails(api, editor_client, make_event):
    event = await make_event(capacity=3)
    await registration.add_question(event["id"], "Dieet", "choice", options="vegetarisch\nveganistisch")
    assert (await api.post(f"/api/events/{event['slug']}/registrations", json={"name": "Frank", "email": "frank@gemeente.nl"})).status_code == 201
    page = await editor_client.get(f"/organiser/events/{event['slug']}/imports")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text and "Deelnemers importeren" in page.text
    assert page.headers["cache-control"] == "no-store"

    uploaded = await _upload(editor_client, event["slug"], CSV.encode("utf-8-sig"))
    assert uploaded.status_code == 303, uploaded.text
    preview = await editor_client.get(uploaded.headers["location"])
    assert preview.status_code == 200
    text = preview.text
    assert "Lijst controleren" in text and "Nog niemand" not in text
    assert "Vul een geldig e-mailadres in" in text  # bad address (line 3)
    assert "Dit e-mailadres staat twee keer in het bestand" in text  # duplicate in the file (line 4)
    assert "Kies uit de gegeven mogelijkheden" in text and "Dieet" in text  # an answer not among the choices
    assert "Vol: deze persoon komt op de wachtlijst" in text  # over capacity
    assert "Deze persoon is al aangemeld voor dit evenement" in text  # already registered
    assert "Deze kolommen zijn onbekend en worden genegeerd" in text and "Afdeling" in text  # unknown column
    assert "Importeren (3)" in text
    assert await Registration.count() == 1  # a preview registers nobody

    import_id = int(uploaded.headers["location"].rsplit("/", 1)[1])
    token = editor_client.cookies.get("events_csrf")
    committed = await editor_client.post(f"/organiser/events/{event['slug']}/imports/{import_id}/commit",
                                         data={"_csrf_token": token, "send_mails": "no"})
    assert committed.status_code == 303
    result = await editor_client.get(committed.headers["location"])
    assert "Import klaar" in result.text and "niet verstuurd" in result.text
    assert "<dt>Bevestigd</dt><dd>2</dd>" in result.text.replace("\n  ", "").replace("\n", "")
    assert await Registration.count().where(Registration.status == "waitlisted") == 1
    assert await OutboxMessage.count().where(OutboxMessage.kind.is_in(["confirmed", "waitlisted"])) == 1  # only Frank's own
    again = await editor_client.post(f"/organiser/events/{event['slug']}/imports/{import_id}/commit",
                                     data={"_csrf_token": token, "send_mails": "yes"})
    assert again.status_code == 409
    listing = await editor_client.get(f"/organiser/events/{event['slug']}/imports")
    assert "Geïmporteerd: 3 aangemeld" in listing.text


async def test_an_xlsx_list_with_mails_and_the_english_page(editor_client, make_event):
    event = await make_event()
    book = openpyxl.Workbook()
    book.active.append(["Name", "E-mail"])
    book.active.append(["Anna de Vries", "anna@gemeente.nl"])
    buffer = io.BytesIO()
    book.save(buffer)
    await editor_client.get("/lang/en")
    uploaded = await _upload(editor_client, event["slug"], buffer.getvalue(), filename="lijst.xlsx")
    assert uploaded.status_code == 303
    preview = await editor_client.get(uploaded.headers["location"])
    assert "Check the list" in preview.text and "Will be confirmed" in preview.text
    token = editor_client.cookies.get("events_csrf")
    committed = await editor_client.post(uploaded.headers["location"] + "/commit", data={"_csrf_token": token, "send_mails": "yes"})
    assert committed.status_code == 303
    assert await OutboxMessage.count().where(OutboxMessage.kind == "confirmed") == 1


async def test_bad_uploads_show_the_form_again_with_the_problem(editor_client, make_event):
    event = await make_event()
    unreadable = await _upload(editor_client, event["slug"], b"\x00\x01\x02 not a list")
    assert unreadable.status_code == 400 and "error-summary" in unreadable.text
    no_columns = await _upload(editor_client, event["slug"], b"Wie;Waar\nAnna;Utrecht\n")
    assert no_columns.status_code == 400 and "De eerste rij moet de kolommen noemen" in no_columns.text
    token = editor_client.cookies.get("events_csrf")
    nothing = await editor_client.post(f"/organiser/events/{event['slug']}/imports", data={"_csrf_token": token},
                                       files={"file": ("", b"", "text/csv")})
    assert nothing.status_code == 400
    large = await _upload(editor_client, event["slug"], b"Naam;E-mail\n" + b"x" * (10 * 1024 * 1024 + 10))
    assert large.status_code == 413
    no_csrf = await editor_client.post(f"/organiser/events/{event['slug']}/imports", files={"file": ("l.csv", b"Naam;E-mail\n")})
    assert no_csrf.status_code == 403
    assert await Registration.count() == 0


async def test_viewers_read_without_forms_and_others_find_nothing(app, team, other_team, editor_client, make_event):
    event = await make_event()
    uploaded = await _upload(editor_client, event["slug"], b"Naam;E-mail\nAnna;anna@gemeente.nl\n")
    async with http_client(app) as viewer:
        await login(viewer, team.viewer.email)
        listing = await viewer.get(f"/organiser/events/{event['slug']}/imports")
        assert listing.status_code == 200 and "lijst.csv" in listing.text
        assert 'enctype="multipart/form-data"' not in listing.text
        assert f'action="/organiser/events/{event["slug"]}/imports"' not in listing.text
        preview = await viewer.get(uploaded.headers["location"])
        assert preview.status_code == 200 and "/commit" not in preview.text and "anna@gemeente.nl" in preview.text
        token = viewer.cookies.get("events_csrf")
        refused = await viewer.post(uploaded.headers["location"] + "/commit", data={"_csrf_token": token})
        assert refused.status_code == 403
    async with http_client(app) as stranger:
        await login(stranger, other_team.owner.email)
        assert (await stranger.get(uploaded.headers["location"])).status_code == 404
        assert (await stranger.get(f"/organiser/events/{event['slug']}/imports")).status_code == 404
    assert await Registration.count() == 0
