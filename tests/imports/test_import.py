"""Participant import: a preview with every row's problem, then one commit through the registration writer."""

from __future__ import annotations

import io

import openpyxl

from events.accounts import service as accounts
from events.audit.tables import AuditEntry
from events.mail.tables import OutboxMessage
from events.registration import service as registration
from events.registration.tables import Registration

CSV = (
    "Naam;E-mail;Organisatie;Dieet;Afdeling\n"
    "Anna de Vries;anna@gemeente.nl;Gemeente Utrecht;vegetarisch;ICT\n"
    "Bert Bakker;geen-adres;Gemeente Utrecht;;\n"
    "Anna nogmaals;ANNA@gemeente.nl;;;\n"
    "Carla Cornelis;carla@gemeente.nl;;zeewier;\n"
    "Dirk Dijk;dirk@gemeente.nl;;;\n"
    "Eva Evers;eva@gemeente.nl;;;\n"
    "Frank Fransen;frank@gemeente.nl;;;\n"
)


async def _upload(api, headers, slug, content: bytes, filename="lijst.csv", **form):
    return await api.post(f"/api/events/{slug}/imports", headers=headers, files={"file": (filename, content)}, data=form)


async def test_every_kind_of_bad_row_is_shown_then_the_good_ones_commit(api, owner_headers, make_event):
    event = await make_event(capacity=3)
    await registration.add_question(event["id"], "Dieet", "choice", options="vegetarisch\nveganistisch")
    already = await api.post(f"/api/events/{event['slug']}/registrations", json={"name": "Frank", "email": "frank@gemeente.nl"})
    assert already.status_code == 201
    response = await _upload(api, owner_headers, event["slug"], CSV.encode("utf-8-sig"))
    assert response.status_code == 201, response.text
    preview = response.json()
    assert preview["unknown_columns"] == ["Afdeling"]
    rows = {row["line"]: row for row in preview["rows"]}
    assert rows[2]["outcome"] == "confirmed"
    assert "email" in rows[3]["errors"] and rows[3]["outcome"] is None  # bad address
    assert "twice" in rows[4]["errors"]["email"]  # duplicate in the file
    assert rows[8]["errors"]["email"].startswith("This person is already registered")
    assert any(key.startswith("q") for key in rows[5]["errors"]) and rows[5]["outcome"] is None  # not a choice
    assert [rows[line]["outcome"] for line in (6, 7)] == ["confirmed", "waitlisted"]  # over capacity
    assert preview["counts"] == {"rows": 7, "refused": 4, "confirmed": 2, "waitlisted": 1}
    assert any("waiting list" in note for note in rows[7]["notes"])
    assert await Registration.count() == 1  # a preview registers nobody

    committed = await api.post(f"/api/events/{event['slug']}/imports/{preview['id']}/commit", headers=owner_headers)
    assert committed.status_code == 200, committed.text
    result = committed.json()
    assert (result["confirmed"], result["waitlisted"]) == (2, 1)
    assert {r["line"] for r in result["refused"]} == {3, 4, 5, 8}
    confirmed = await Registration.count().where((Registration.event == event["id"]) & (Registration.status == "confirmed"))
    assert confirmed == 3  # the capacity, counting the one who registered before
    assert await AuditEntry.exists().where(AuditEntry.action == "registrations.import")
    again = await api.post(f"/api/events/{event['slug']}/imports/{preview['id']}/commit", headers=owner_headers)
    assert again.status_code == 409


async def test_an_xlsx_import_without_mails(api, owner_headers, make_event):
    event = await make_event()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "E-mail", "Organisation"])
    sheet.append(["Anna de Vries", "anna@gemeente.nl", "Gemeente Utrecht"])
    sheet.append(["Bert Bakker", "bert@gemeente.nl", None])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = (await _upload(api, owner_headers, event["slug"], buffer.getvalue(), "lijst.xlsx", send_mails="false")).json()
    assert [row["outcome"] for row in preview["rows"]] == ["confirmed", "confirmed"]
    assert preview["send_mails"] is False
    result = (await api.post(f"/api/events/{event['slug']}/imports/{preview['id']}/commit", headers=owner_headers)).json()
    assert result["confirmed"] == 2
    assert await Registration.count() == 2
    assert await OutboxMessage.count() == 0  # the organiser chose: no mails


async def test_a_file_without_the_needed_columns_or_unreadable_is_400(api, owner_headers, make_event):
    event = await make_event()
    for content, name in ((b"Voornaam;Telefoon\nAnna;06\n", "x.csv"), (b"PK\x03\x04garbage", "x.xlsx"), (b"", "x.csv")):
        response = await _upload(api, owner_headers, event["slug"], content, name)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.post(f"/api/events/{event['slug']}/imports", headers=owner_headers)).status_code == 400


async def test_viewers_and_other_organisations_may_not_import(api, team, other_team, make_event):
    event = await make_event()
    viewer = {"authorization": f"Bearer {await accounts.create_api_token(team.viewer.id, label='t')}"}
    stranger = {"authorization": f"Bearer {await accounts.create_api_token(other_team.owner.id, label='t')}"}
    assert (await _upload(api, viewer, event["slug"], CSV.encode())).status_code == 403
    assert (await _upload(api, stranger, event["slug"], CSV.encode())).status_code == 404
