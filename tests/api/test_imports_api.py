"""The imports' list and one import through the API: rows before the commit, the result after it."""

from __future__ import annotations

from tests.api.conftest import problem


async def test_list_and_read_imports(api, make_event, editor_headers, viewer_headers, stranger_headers):
    event = await make_event(capacity=1)
    base = f"/api/events/{event['slug']}/imports"
    ids = []
    for n in range(3):
        content = f"Naam;E-mail;Afdeling\nAnna {n};anna{n}@gemeente.nl;ICT\nBert;geen-adres;\n".encode()
        answer = await api.post(base, headers=editor_headers, files={"file": (f"lijst-{n}.csv", content)}, data={"send_mails": "false"})
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    listed = await api.get(base, params={"per_page": 2}, headers=viewer_headers)
    assert listed.status_code == 200 and listed.headers["x-total-count"] == "3"
    assert [i["id"] for i in listed.json()] == ids[::-1][:2]  # newest first
    assert listed.json()[0]["committed_at"] is None and listed.json()[0]["result"] is None

    one = await api.get(f"{base}/{ids[0]}", headers=viewer_headers)
    body = one.json()
    assert body["filename"] == "lijst-0.csv" and body["send_mails"] is False
    assert body["preview"]["unknown_columns"] == ["Afdeling"]  # kept with the upload
    assert [r["outcome"] for r in body["preview"]["rows"]] == ["confirmed", None]
    assert "email" in body["preview"]["rows"][1]["errors"]

    assert (await api.post(f"{base}/{ids[0]}/commit", headers=editor_headers)).status_code == 200
    done = (await api.get(f"{base}/{ids[0]}", headers=viewer_headers)).json()
    assert done["preview"] is None and done["committed_at"] is not None
    assert done["result"]["confirmed"] == 1 and [r["line"] for r in done["result"]["refused"]] == [3]
    # the next one is judged now: the only place is taken
    later = (await api.get(f"{base}/{ids[1]}", headers=viewer_headers)).json()
    assert later["preview"]["rows"][0]["outcome"] == "waitlisted"

    problem(await api.get(base, headers=stranger_headers), 404)
    problem(await api.get(f"{base}/{ids[1]}", headers=stranger_headers), 404)
    problem(await api.get(f"{base}/{ids[1] + 100}", headers=viewer_headers), 404)
    problem(await api.get(base, params={"page": "0"}, headers=viewer_headers), 400, "page")
    other = await make_event()
    problem(await api.get(f"/api/events/{other['slug']}/imports/{ids[1]}", headers=viewer_headers), 404)


async def test_upload_refusals(api, make_event, editor_headers, viewer_headers):
    event = await make_event()
    base = f"/api/events/{event['slug']}/imports"
    problem(await api.post(base, headers=viewer_headers, files={"file": ("l.csv", b"Naam;E-mail\nA;a@b.nl\n")}), 403)
    problem(await api.post(base, headers=editor_headers, data={"send_mails": "false"}), 400, "file")
    too_large = await api.post(base, headers=editor_headers, files={"file": ("l.csv", b"Naam;E-mail\n" + b"x" * (10 * 1024 * 1024 + 1))})
    assert too_large.status_code == 413
