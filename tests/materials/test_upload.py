"""Uploading materials: who may, what is accepted (by content), the streamed size limit, versions, the deadline."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from events.app import create_app
from events.materials.tables import Material, MaterialVersion
from tests.conftest import http_client
from tests.materials.conftest import (
    ELF,
    WINDOWS_EXE,
    csrf_headers,
    sample_docx,
    sample_jpeg,
    sample_mp4,
    sample_odf,
    sample_ooxml,
    sample_pdf,
    sample_png,
    sample_pptx,
    sample_xlsx,
    upload,
)


def stored_files(settings) -> list:
    root = settings.data_dir / "materials"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_speaker_uploads_through_the_api_and_gets_id_version_size_sha256(speaker_client, talk, settings):
    pdf = sample_pdf()
    response = await upload(speaker_client, talk["id"], "slides.pdf", pdf)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["version"] == 1 and body["size"] == len(pdf) and body["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert body["content_type"] == "application/pdf" and body["name"] == "slides.pdf"
    files = stored_files(settings)
    assert len(files) == 1 and files[0].read_bytes() == pdf
    assert "slides" not in str(files[0])  # a generated name, never the uploaded one

    listed = await speaker_client.get(f"/api/sessions/{talk['id']}/materials")
    assert [m["id"] for m in listed.json()] == [body["id"]]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", sample_pdf(), "application/pdf"),
        ("a.pptx", sample_pptx(), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("a.docx", sample_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.xlsx", sample_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("a.odp", sample_odf("application/vnd.oasis.opendocument.presentation"), "application/vnd.oasis.opendocument.presentation"),
        ("a.odt", sample_odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
        ("a.png", sample_png(), "image/png"),
        ("a.jpg", sample_jpeg(), "image/jpeg"),
        ("a.mp4", sample_mp4(), "video/mp4"),
    ],
)
async def test_every_allowed_type_is_recognised_by_its_content(speaker_client, talk, name, content, content_type):
    # Sent with a lying content type and a neutral name: only the bytes decide.
    response = await upload(speaker_client, talk["id"], "upload.bin", content, "text/plain")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == content_type
    assert response.json()["name"].endswith(name.rsplit(".", 1)[1])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides.pdf", ELF),
        ("slides.pptx", WINDOWS_EXE),
        ("slides.docx", __import__("tests.materials.conftest", fromlist=["_zip"])._zip({"evil.sh": b"rm -rf /"})),
        ("slides.pptx", sample_ooxml("ppt/presentation.xml", "x", macro=True)),
        ("slides.odp", __import__("tests.materials.conftest", fromlist=["_zip"])._zip({"mimetype": b"application/x-evil"})),
        ("index.html", b"<html><script>alert(1)</script></html>"),
        ("slides.pdf", b"PK\x03\x04 not really a zip"),
    ],
    ids=["elf-as-pdf", "exe-as-pptx", "zip-without-office-parts", "macro-pptm-as-pptx", "odf-wrong-mimetype", "html", "broken-zip"],
)
async def test_wrong_content_is_refused_with_415_and_leaves_nothing(speaker_client, talk, settings, name, content):
    response = await upload(speaker_client, talk["id"], name, content, "application/pdf")
    assert response.status_code == 415, response.text
    assert "not accepted" in response.json()["detail"]
    assert await Material.count() == 0 and await MaterialVersion.count() == 0
    assert stored_files(settings) == []


async def test_empty_file_and_missing_field_are_clear_400s(speaker_client, talk):
    response = await upload(speaker_client, talk["id"], "empty.pdf", b"")
    assert response.status_code == 400 and "Choose a file" in response.json()["detail"]
    response = await speaker_client.post(
        f"/api/sessions/{talk['id']}/materials", files={"other": ("x.pdf", sample_pdf())}, headers=csrf_headers(speaker_client)
    )
    assert response.status_code == 400
    response = await speaker_client.post(
        f"/api/sessions/{talk['id']}/materials", json={"file": "x"}, headers=csrf_headers(speaker_client)
    )
    assert response.status_code == 400 and "multipart" in response.json()["detail"]


class CountingBody:
    """A chunked request body (no Content-Length) that records how many bytes the server pulled from it."""

    def __init__(self, boundary: str, file_bytes: int, chunk: int = 64 * 1024):
        self.head = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode() + b"%PDF-1.4\n"
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.file_bytes = file_bytes
        self.chunk = chunk
        self.pulled = 0

    async def __aiter__(self):
        for part in self._parts():
            self.pulled += len(part)
            yield part

    def _parts(self):
        yield self.head
        remaining = self.file_bytes
        while remaining > 0:
            size = min(self.chunk, remaining)
            remaining -= size
            yield b"x" * size
        yield self.tail


async def test_oversized_upload_is_refused_with_413_while_streaming(settings, clock, engine, speaker, talk, organiser_token):
    small = replace(settings, max_upload_mb=1)
    app = create_app(small, clock=clock, engine=engine)
    body = CountingBody("b0undary", file_bytes=20 * 1024 * 1024)
    async with http_client(app) as client:
        response = await client.post(
            f"/api/sessions/{talk['id']}/materials",
            content=body,
            headers={"content-type": "multipart/form-data; boundary=b0undary", "authorization": f"Bearer {organiser_token}"},
        )
    assert response.status_code == 413, response.text
    assert "larger than the upload limit" in response.json()["detail"]
    # It stopped reading just after the 1 MiB limit, long before the 20 MiB body was sent.
    assert body.pulled < small.max_upload_bytes + 3 * body.chunk
    assert await Material.count() == 0 and stored_files(small) == []


async def test_announced_oversized_upload_is_refused_before_reading(settings, clock, engine, talk, organiser_token):
    small = replace(settings, max_upload_mb=1)
    app = create_app(small, clock=clock, engine=engine)
    body = CountingBody("b0undary", file_bytes=5 * 1024 * 1024)
    async with http_client(app) as client:
        response = await client.post(
            f"/api/sessions/{talk['id']}/materials",
            content=body,
            headers={
                "content-type": "multipart/form-data; boundary=b0undary",
                "content-length": str(6 * 1024 * 1024),
                "authorization": f"Bearer {organiser_token}",
            },
        )
    assert response.status_code == 413
    assert body.pulled == 0


async def test_aborted_upload_leaves_no_partial_file_and_no_row(app, client, settings, talk, organiser_token):
    head = (
        b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.pdf\"\r\n\r\n"
    ) + sample_pdf() + b"x" * 200_000
    messages = [
        {"type": "http.request", "body": head[:100_000], "more_body": True},
        {"type": "http.request", "body": head[100_000:], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": f"/api/sessions/{talk['id']}/materials", "raw_path": f"/api/sessions/{talk['id']}/materials".encode(),
        "query_string": b"", "root_path": "", "server": ("testserver.local", 80), "client": ("127.0.0.1", 5000),
        "headers": [
            (b"host", b"testserver.local"),
            (b"content-type", b"multipart/form-data; boundary=zz"),
            (b"authorization", f"Bearer {organiser_token}".encode()),
        ],
    }
    await app(scope, receive, send)
    assert not messages  # the disconnect was seen
    assert await Material.count() == 0 and await MaterialVersion.count() == 0
    assert stored_files(settings) == []
    # And a complete upload afterwards works (nothing stuck).
    response = await client.post(
        f"/api/sessions/{talk['id']}/materials", files={"file": ("ok.pdf", sample_pdf())},
        headers={"authorization": f"Bearer {organiser_token}"},
    )
    assert response.status_code == 201


async def test_other_speaker_gets_403_and_nothing_is_read_or_written(other_speaker_client, talk, settings):
    response = await upload(other_speaker_client, talk["id"], "slides.pdf", sample_pdf())
    assert response.status_code == 403
    assert "not your session" in response.json()["detail"]
    assert await Material.count() == 0 and stored_files(settings) == []


async def test_anonymous_and_other_organiser_cannot_upload(client, app, talk, other_organiser):
    response = await client.post(f"/api/sessions/{talk['id']}/materials", files={"file": ("s.pdf", sample_pdf())})
    assert response.status_code == 401
    from events.accounts import service as accounts

    token = await accounts.create_api_token(other_organiser.id)
    response = await client.post(
        f"/api/sessions/{talk['id']}/materials", files={"file": ("s.pdf", sample_pdf())},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 404  # another organisation: as for a missing session
    response = await client.post(
        f"/api/sessions/{talk['id']}/materials", files={"file": ("s.pdf", sample_pdf())},
        headers={"authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401
    assert await Material.count() == 0


async def test_session_cookie_api_upload_needs_the_csrf_header(speaker_client, talk):
    response = await speaker_client.post(f"/api/sessions/{talk['id']}/materials", files={"file": ("s.pdf", sample_pdf())})
    assert response.status_code == 403
    assert await Material.count() == 0


async def test_replace_makes_a_new_version_and_keeps_the_earlier_one(speaker_client, talk, organiser_client):
    first = (await upload(speaker_client, talk["id"], "v1.pdf", sample_pdf("one"))).json()
    response = await speaker_client.post(
        f"/api/materials/{first['id']}/versions", files={"file": ("v2.pdf", sample_pdf("two"))},
        headers=csrf_headers(speaker_client),
    )
    assert response.status_code == 201, response.text
    second = response.json()
    assert second["id"] == first["id"] and second["version"] == 2 and second["name"] == "v2.pdf"
    assert [v["version"] for v in second["versions"]] == [2, 1]
    # The current download is version 2; the organiser can still fetch version 1.
    current = await organiser_client.get(second["url"])
    assert current.content == sample_pdf("two")
    old = await organiser_client.get(second["versions"][1]["url"])
    assert old.status_code == 200 and old.content == sample_pdf("one")
    assert await MaterialVersion.count() == 2


async def test_after_the_upload_deadline_speakers_get_409_and_organisers_may_still_change(
    speaker_client, talk, event, clock, organiser_token, client
):
    from events.programme.tables import Event

    made = (await upload(speaker_client, talk["id"], "early.pdf", sample_pdf())).json()
    await Event.update({Event.upload_deadline: datetime(2026, 11, 20, 12, 0, tzinfo=UTC)}).where(Event.id == event["id"])
    clock.set(datetime(2026, 11, 20, 11, 59, tzinfo=UTC))
    assert (await upload(speaker_client, talk["id"], "just-in-time.pdf", sample_pdf())).status_code == 201
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    late = await upload(speaker_client, talk["id"], "late.pdf", sample_pdf())
    assert late.status_code == 409 and "deadline" in late.json()["detail"]
    replace_late = await speaker_client.post(
        f"/api/materials/{made['id']}/versions", files={"file": ("x.pdf", sample_pdf())}, headers=csrf_headers(speaker_client)
    )
    assert replace_late.status_code == 409
    remove_late = await speaker_client.delete(f"/api/materials/{made['id']}", headers=csrf_headers(speaker_client))
    assert remove_late.status_code == 409
    assert await Material.count() == 2
    # The organiser is not bound by the speakers' deadline.
    response = await client.post(
        f"/api/sessions/{talk['id']}/materials", files={"file": ("late.pdf", sample_pdf())},
        headers={"authorization": f"Bearer {organiser_token}"},
    )
    assert response.status_code == 201


async def test_speaker_removes_own_material_with_all_versions(speaker_client, talk, settings):
    made = (await upload(speaker_client, talk["id"], "s.pdf", sample_pdf())).json()
    await speaker_client.post(f"/api/materials/{made['id']}/versions", files={"file": ("t.pdf", sample_pdf("t"))},
                              headers=csrf_headers(speaker_client))
    assert len(stored_files(settings)) == 2
    response = await speaker_client.delete(f"/api/materials/{made['id']}", headers=csrf_headers(speaker_client))
    assert response.status_code == 204
    assert await Material.count() == 0 and await MaterialVersion.count() == 0 and stored_files(settings) == []


async def test_other_speaker_cannot_replace_or_remove_or_patch(speaker_client, other_speaker_client, talk):
    made = (await upload(speaker_client, talk["id"], "s.pdf", sample_pdf())).json()
    headers = csrf_headers(other_speaker_client)
    assert (await other_speaker_client.post(f"/api/materials/{made['id']}/versions", files={"file": ("x.pdf", sample_pdf())},
                                            headers=headers)).status_code == 403
    assert (await other_speaker_client.delete(f"/api/materials/{made['id']}", headers=headers)).status_code == 403
    assert (await other_speaker_client.patch(f"/api/materials/{made['id']}", json={"visibility": "public"},
                                             headers=headers)).status_code == 404
    # A speaker does not set visibility either: that is the organiser's call.
    assert (await speaker_client.patch(f"/api/materials/{made['id']}", json={"visibility": "public"},
                                       headers=csrf_headers(speaker_client))).status_code == 403
    assert await MaterialVersion.count() == 1


async def test_demo_uploads_keynote_slides_once(settings, clock, engine):
    from events.demo import load_demo
    from events.materials.content import detect_kind

    first = await load_demo(settings, clock)
    assert any(line.startswith("materials: 2 new") for line in first), first
    versions = await MaterialVersion.select()
    assert len(versions) == 2
    for row in versions:
        path = settings.data_dir / "materials" / row["storage_key"]
        assert detect_kind(path.read_bytes()[:64], path).name == "pdf"
    again = await load_demo(settings, clock)
    assert any(line.startswith("materials: 0 new") for line in again)
    assert await MaterialVersion.count() == 2


async def test_openapi_documents_the_multipart_upload_and_its_refusals(client):
    schema = (await client.get("/schema/openapi.json")).json()
    post = schema["paths"]["/api/sessions/{session_id}/materials"]["post"]
    assert post["tags"] == ["materials"]
    assert "file" in post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"201", "403", "409", "413", "415"} <= set(post["responses"])
    assert "patch" in schema["paths"]["/api/materials/{material_id}"]


async def test_a_wrong_csrf_token_in_the_first_field_is_refused(speaker_client, talk):
    response = await speaker_client.post(
        f"/speaker/sessions/{talk['id']}/materials", data={"_csrf_token": "forged"}, files={"file": ("s.pdf", sample_pdf())}
    )
    assert response.status_code == 403
    assert await Material.count() == 0


async def test_csrf_token_only_from_the_field_or_header_never_the_query_string(speaker_client, talk):
    token = speaker_client.cookies.get("events_csrf")
    url = f"/speaker/sessions/{talk['id']}/materials"
    in_query = await speaker_client.post(f"{url}?_csrf_token={token}", files={"file": ("s.pdf", sample_pdf())})
    assert in_query.status_code == 403
    form_in_query = await speaker_client.post(f"/logout?_csrf_token={token}")
    assert form_in_query.status_code == 403
    # After the file is too late: the token must be the first field.
    import httpx  # noqa: PLC0415 - only this test builds a body by hand

    late = httpx.Request("POST", "http://x", files={"file": ("s.pdf", sample_pdf())}, data={})
    boundary = late.headers["content-type"].split("boundary=")[1]
    body = late.read().replace(f"--{boundary}--".encode(), (
        f'--{boundary}\r\nContent-Disposition: form-data; name="_csrf_token"\r\n\r\n{token}\r\n--{boundary}--'
    ).encode())
    refused = await speaker_client.post(url, content=body, headers={"content-type": late.headers["content-type"]})
    assert refused.status_code == 403
    assert (await speaker_client.post(url, headers={"x-csrftoken": token}, files={"file": ("s.pdf", sample_pdf())})).status_code == 303
    assert await Material.count() == 1


async def test_files_of_a_deleted_session_are_swept_once_old_enough(speaker_client, organiser_client, talk, settings):
    from datetime import timedelta

    from events.materials import service as materials
    from events.materials.storage import storage_for
    from events.programme import service as programme
    from events.programme.tables import Event

    event = await Event.select().where(Event.id == talk["event"]).first()
    other = await programme.create_session(
        event, {"title": "Blijft staan", "starts_at": talk["starts_at"], "ends_at": talk["ends_at"]}, datetime.now(UTC)
    )
    assert (await upload(speaker_client, talk["id"], "weg.pdf", sample_pdf("weg"))).status_code == 201
    assert (await upload(organiser_client, other["id"], "blijft.pdf", sample_pdf("blijft"))).status_code == 201
    assert len(stored_files(settings)) == 2
    await programme.delete_session(event, talk["id"], datetime.now(UTC))  # rows go (cascade); files cannot follow
    assert await MaterialVersion.count() == 1 and len(stored_files(settings)) == 2

    storage = storage_for(settings.data_dir)
    now = datetime.now(UTC)
    assert await materials.sweep_orphaned_files(storage, now) == 0  # younger than an hour: an upload may be committing
    assert await materials.sweep_orphaned_files(storage, now + timedelta(hours=2)) == 1
    [left] = stored_files(settings)
    assert left.read_bytes() == sample_pdf("blijft")
