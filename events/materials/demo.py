"""Demo materials: a small PDF of slides for each keynote of the conference "Weerbare organisatie".

Idempotent: a keynote that already has a material gets nothing new.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

from events.accounts.service import get_user
from events.materials import service
from events.materials.storage import storage_for
from events.materials.tables import Material
from events.programme import service as programme

EVENT_SLUG = "weerbare-organisatie"


def slides_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF with a title and a few lines (Helvetica, Latin-1 text)."""

    def text(value: str) -> bytes:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")

    content = b"BT /F1 22 Tf 60 740 Td (" + text(title) + b") Tj ET\n"
    for number, line in enumerate(lines):
        content += b"BT /F1 14 Tf 60 %d Td (" % (690 - 24 * number) + text(line) + b") Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def load(context) -> None:
    storage = storage_for(context.settings.data_dir)
    engine = Material._meta.db
    made = 0
    prefix = f"session:{EVENT_SLUG}:"
    for key, session_id in context.refs.items():
        if not key.startswith(prefix) or not key[len(prefix):].startswith("Keynote"):
            continue
        if await Material.exists().where(Material.session == session_id):
            continue
        session = await programme.session_by_id(session_id)
        if session is None:
            continue
        speakers = await programme.speakers_of_session(session_id)
        uploader = await get_user(speakers[0].id) if speakers else None
        if uploader is None:
            continue
        title = session["title"].split(":", 1)[-1].strip()
        pdf = slides_pdf(title, ["Weerbare organisatie - keynote", uploader.display_name, "Platform weerbare overheid"])
        received = await service.receive_upload(
            storage, _chunks(pdf), f"{title}.pdf", context.settings.max_upload_bytes
        )
        await service.add_material(engine, storage, session, received, uploader, context.now)
        made += 1
    context.report.append(f"materials: {made} new keynote slide decks (public once the session starts)")
