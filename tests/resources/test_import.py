"""CSV and JSON import: everything or nothing, errors by line number."""

from __future__ import annotations

import json

from events.resources import service
from events.resources.tables import Resource
from tests.conftest import csrf_token, get_csrf, post_form

GOOD_CSV = (
    "title,url,summary,aspect,kind,language,tags\n"
    "Lancering platform,https://www.weerbareoverheid.nl/lancering,Het platform is live,bewustzijn,story,nl,lancering\n"
    "Pilot integrale veiligheid,https://www.weerbareoverheid.nl/pilot,,voorbereiding,story,nl,\"pilot,gemeente\"\n"
)


async def upload(client, name: str, content: str | bytes, content_type="text/csv"):
    token = await get_csrf(client, "/organiser/resources/import")
    body = content.encode() if isinstance(content, str) else content
    return await client.post(
        "/organiser/resources/import", data={"_csrf_token": token}, files={"file": (name, body, content_type)}
    )


async def test_csv_import_loads_every_row(organiser_client):
    response = await upload(organiser_client, "platform.csv", GOOD_CSV)
    assert response.status_code == 200, response.text
    assert "Bronnen geïmporteerd: 2." in response.text
    rows = await service.list_resources()
    assert {r.title for r in rows} == {"Lancering platform", "Pilot integrale veiligheid"}
    pilot = next(r for r in rows if r.title.startswith("Pilot"))
    assert pilot.tags == "pilot,gemeente"
    # loading the same list again updates, it does not duplicate
    again = await upload(organiser_client, "platform.csv", GOOD_CSV.replace("Het platform is live", "Live!"))
    assert again.status_code == 200 and await Resource.count() == 2
    assert (await Resource.select().where(Resource.title == "Lancering platform").first())["summary"] == "Live!"


async def test_csv_with_semicolons_as_excel_writes_it(organiser_client):
    text = "\ufefftitle;url;aspect;kind\nScan;https://www.weerbareoverheid.nl/scan;voorbereiding;scan\n"
    response = await upload(organiser_client, "excel.csv", text.encode("utf-8"))
    assert response.status_code == 200, response.text
    assert [r.title for r in await service.list_resources()] == ["Scan"]


async def test_csv_bad_rows_are_reported_by_line_and_nothing_is_loaded(organiser_client):
    text = (
        "title,url,aspect,kind\n"
        "Goed,https://www.weerbareoverheid.nl/goed,bewustzijn,tool\n"          # line 2: fine
        "Kwaad,javascript:alert(1),bewustzijn,tool\n"                          # line 3: hostile URL
        "Goed twee,https://www.weerbareoverheid.nl/twee,bewustzijn,tool\n"     # line 4: fine
        ",https://www.weerbareoverheid.nl/x,magie,podcast\n"                   # line 5: three errors
        "Dubbel,https://www.weerbareoverheid.nl/goed,bewustzijn,tool\n"        # line 6: same URL as line 2
        "Te kort,https://www.weerbareoverheid.nl/kort\n"                       # line 7: missing columns
    )
    response = await upload(organiser_client, "list.csv", text)
    assert response.status_code == 400
    assert "Er is niets geïmporteerd" in response.text
    for line in (3, 5, 6, 7):
        assert f"Regel {line}:" in response.text
    for line in (2, 4):
        assert f"Regel {line}:" not in response.text
    assert await Resource.count() == 0


async def test_csv_header_errors(organiser_client):
    response = await upload(organiser_client, "list.csv", "title,link,aspect\nA,https://a.nl/,bewustzijn\n")
    assert response.status_code == 400 and "Regel 1:" in response.text
    assert "url" in response.text and "link" in response.text
    assert await Resource.count() == 0
    empty = await upload(organiser_client, "empty.csv", "")
    assert empty.status_code == 400
    binary = await upload(organiser_client, "x.csv", b"\xff\xfe\x00garbage")
    assert binary.status_code == 400 and await Resource.count() == 0
    nul = await upload(organiser_client, "nul.csv", "title,url,aspect,kind\nA\x00,https://a.nl/,bewustzijn,tool\n")
    assert nul.status_code == 400 and "Regel 2:" in nul.text
    huge = await upload(organiser_client, "huge.csv", "title,url,aspect,kind\n\"" + "x" * 200_000 + "\",https://a.nl/,bewustzijn,tool\n")
    assert huge.status_code == 400 and await Resource.count() == 0


async def test_json_import_reports_real_line_numbers(organiser_client):
    items = [
        {"title": "Goed", "url": "https://www.weerbareoverheid.nl/goed", "aspect": "continuiteit", "kind": "guide"},
        {"title": "Data", "url": "data:text/html,<b>x</b>", "aspect": "continuiteit", "kind": "guide"},
        "not an object",
    ]
    text = json.dumps(items, indent=2)
    response = await upload(organiser_client, "list.json", text, "application/json")
    assert response.status_code == 400
    data_line = next(i for i, line in enumerate(text.splitlines(), start=1) if '"title": "Data"' in line) - 1
    string_line = next(i for i, line in enumerate(text.splitlines(), start=1) if '"not an object"' in line)
    assert f"Regel {data_line}:" in response.text and f"Regel {string_line}:" in response.text
    assert await Resource.count() == 0
    broken = await upload(organiser_client, "list.json", '[{"title": "x",\n  "url": }]', "application/json")
    assert broken.status_code == 400 and "Regel 2:" in broken.text
    good = await upload(organiser_client, "list.json", json.dumps(items[:1]), "application/json")
    assert good.status_code == 200 and await Resource.count() == 1


async def test_pasted_import_and_api_import(organiser_client, client, organiser_token):
    token = await get_csrf(organiser_client, "/organiser/resources/import")
    pasted = await organiser_client.post(
        "/organiser/resources/import", data={"_csrf_token": token, "pasted": GOOD_CSV}, files={"file": ("", b"", "text/csv")}
    )
    assert pasted.status_code == 200, pasted.text
    assert await Resource.count() == 2
    client.cookies.clear()
    auth = {"authorization": f"Bearer {organiser_token}"}
    bad = await client.post("/api/resources/import", headers=auth, json=[
        {"title": "A", "url": "https://www.weerbareoverheid.nl/a", "aspect": "bewustzijn", "kind": "tool"},
        {"title": "B", "url": "file:///etc/passwd", "aspect": "bewustzijn", "kind": "tool"},
    ])
    assert bad.status_code == 400
    assert bad.json()["extra"] == [{"key": "line 2", "message": "url: The address must start with http:// or https://"}]
    assert await Resource.count() == 2
    good = await client.post("/api/resources/import", headers=auth, json=[
        {"title": "A", "url": "https://www.weerbareoverheid.nl/a", "aspect": "bewustzijn", "kind": "tool"},
    ])
    assert good.status_code == 201 and good.json() == {"loaded": 1}


async def test_import_needs_csrf(organiser_client):
    await get_csrf(organiser_client, "/organiser/resources/import")
    assert csrf_token(organiser_client)
    response = await organiser_client.post("/organiser/resources/import", files={"file": ("a.csv", GOOD_CSV.encode(), "text/csv")})
    assert response.status_code == 403
    assert await Resource.count() == 0
    nothing = await post_form(organiser_client, "/organiser/resources/import", {})
    assert nothing.status_code in (400, 415)
