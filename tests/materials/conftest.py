"""Fixtures of the materials tests: an event with a session and its speaker, signed-in clients, sample files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import UTC, datetime

import pytest

from events.accounts import service as accounts
from events.materials.demo import slides_pdf
from events.programme.tables import Event, Session, SessionSpeaker
from tests.conftest import home_organisation, http_client

SESSION_START = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def sample_pdf(text: str = "Weerbare organisatie") -> bytes:
    return slides_pdf(text, [])


def sample_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def sample_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def sample_mp4() -> bytes:
    return struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2" + struct.pack(">I", 8) + b"free"


def _zip(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def sample_ooxml(part: str, main: str, macro: bool = False) -> bytes:
    kind = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml" if macro else main
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{kind}"/></Types>'
    ).encode()
    return _zip({"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>", part: b"<xml/>"})


def sample_docx() -> bytes:
    return sample_ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def sample_pptx() -> bytes:
    return sample_ooxml("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")


def sample_xlsx() -> bytes:
    return sample_ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")


def sample_odf(mimetype: str) -> bytes:
    return _zip({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"}, stored_first="mimetype")


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."


@pytest.fixture
async def event(organiser):
    row = Event(
        slug="weerbare-organisatie", title="Weerbare organisatie", status="published", organiser=organiser.id,
        organisation=await home_organisation(organiser.id),
        starts_at=datetime(2026, 12, 6, 9, 0, tzinfo=UTC), ends_at=datetime(2026, 12, 6, 16, 0, tzinfo=UTC),
        timezone="Europe/Amsterdam", join_url="https://meet.example/secret-room",
    )
    await row.save()
    return (await Event.select().where(Event.id == row.id).first())


@pytest.fixture
async def talk(event, speaker):
    row = Session(event=event["id"], title="Keynote: de weerbare organisatie", starts_at=SESSION_START,
                  ends_at=datetime(2026, 12, 6, 10, 45, tzinfo=UTC))
    await row.save()
    await SessionSpeaker(session=row.id, speaker=speaker.id).save()
    return (await Session.select().where(Session.id == row.id).first())


@pytest.fixture
async def other_speaker(engine):
    return await accounts.create_user("tweede@hogeschool.nl", "speaker", name="Tom Tweede")


@pytest.fixture
async def other_talk(event, other_speaker):
    row = Session(event=event["id"], title="Paneel", starts_at=datetime(2026, 12, 6, 11, 0, tzinfo=UTC),
                  ends_at=datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    await row.save()
    await SessionSpeaker(session=row.id, speaker=other_speaker.id).save()
    return (await Session.select().where(Session.id == row.id).first())


async def sign_in_by_link(client, user, clock) -> str:
    token = await accounts.create_personal_link(user.id, clock.now())
    response = await client.get(f"/p/{token}")
    assert response.status_code == 303, response.text
    # The speaker's home mints the CSRF cookie that /api calls with the session cookie must echo.
    assert (await client.get("/speaker")).status_code == 200
    return token


@pytest.fixture
async def speaker_client(app, speaker, clock, talk):
    async with http_client(app) as client:
        await sign_in_by_link(client, speaker, clock)
        yield client


@pytest.fixture
async def other_speaker_client(app, other_speaker, clock, other_talk):
    async with http_client(app) as client:
        await sign_in_by_link(client, other_speaker, clock)
        yield client


def csrf_headers(client) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get("events_csrf") or ""}


async def upload(client, session_id: int, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return await client.post(
        f"/api/sessions/{session_id}/materials", files={"file": (name, content, content_type)}, headers=csrf_headers(client)
    )
