"""Uploads and versions: receiving a file, a new material or a new version of one, and removing a material.

Uploads arrive as a stream of bytes; `receive_upload` spools them to a temporary file while counting and hashing,
refuses as soon as the size limit is passed (413), judges the type by content (415) and only then hands the file to
storage and writes the rows. Nothing half-written survives a refusal or an aborted request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.materials.content import HEAD_BYTES, detect_kind, safe_filename
from events.materials.rows import MaterialRow
from events.materials.service.listing import material_with_version
from events.materials.storage import Storage
from events.materials.tables import Material, MaterialVersion


class TooLarge(RuleViolation):
    status_code = 413


class UnsupportedType(RuleViolation):
    status_code = 415


def too_large() -> TooLarge:
    """The one refusal of a file over the limit, however it was noticed (announced, counted, or the framework's)."""
    return TooLarge(N_("The file is larger than the upload limit."), errors={"file": N_("The file is too large.")})


@dataclass(frozen=True)
class Received:
    """An accepted upload, already in storage."""

    key: str
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str


async def receive_upload(storage: Storage, chunks: AsyncIterator[bytes], filename: str | None, limit: int) -> Received:
    """Spool, count, hash and check one uploaded file, then put it into storage.

    Raises TooLarge the moment more than `limit` bytes arrived (without reading further), UnsupportedType for
    content outside the allow-list; on any failure, including the client going away, the spool file is removed.
    """
    storage.incoming_dir.mkdir(parents=True, exist_ok=True)
    spool = storage.incoming_dir / f"{secrets.token_hex(16)}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    kept = False
    try:
        async with await anyio.open_file(spool, "xb") as handle:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large()
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                await handle.write(chunk)
        if size == 0:
            raise RuleViolation(N_("Choose a file to upload."), errors={"file": N_("The file is empty.")})
        kind = await anyio.to_thread.run_sync(detect_kind, head, spool)
        if kind is None:
            raise UnsupportedType(
                N_("This type of file is not accepted. Upload a PDF, PowerPoint, Word, Excel, OpenDocument, PNG, JPEG or MP4 file."),
                errors={"file": N_("This type of file is not accepted.")},
            )
        key = await storage.save(spool)
        kept = True
        return Received(
            key=key, name=safe_filename(filename, kind), kind=kind.name, content_type=kind.content_type, size=size,
            sha256=digest.hexdigest(),
        )
    finally:
        if not kept:
            await anyio.Path(spool).unlink(missing_ok=True)


async def add_material(
    engine: Engine, storage: Storage, session: dict[str, Any], received: Received, user: CurrentUser, now: datetime
) -> MaterialRow:
    """A new material with its first version. If the rows cannot be written, the stored file is removed."""
    try:
        async with write_transaction(engine):
            material = Material(
                session=session["id"], event=session["event"], created_by=user.id, current_version=1,
                created_at=now, updated_at=now,
            )
            await material.save()
            await _insert_version(material.id, 1, received, user, now)
    except BaseException:
        await storage.delete(received.key)
        raise
    return await material_with_version(material.id)


async def add_version(
    engine: Engine, storage: Storage, material_id: int, received: Received, user: CurrentUser, now: datetime
) -> MaterialRow:
    """Replace a material's file: a new version; earlier versions stay (for the organiser)."""
    try:
        async with write_transaction(engine):
            await lock_row(engine, Material, material_id)
            row = await Material.select(Material.current_version).where(Material.id == material_id).first()
            if row is None:
                raise NotFound(N_("This file was removed in the meantime."))
            version = row["current_version"] + 1
            await _insert_version(material_id, version, received, user, now)
            await Material.update({Material.current_version: version, Material.updated_at: now}).where(
                Material.id == material_id
            )
    except BaseException:
        await storage.delete(received.key)
        raise
    return await material_with_version(material_id)


async def _insert_version(material_id: int, version: int, received: Received, user: CurrentUser, now: datetime) -> None:
    await MaterialVersion(
        material=material_id,
        version=version,
        storage_key=received.key,
        original_name=received.name,
        content_type=received.content_type,
        kind=received.kind,
        size=received.size,
        sha256=received.sha256,
        uploaded_by=user.id,
        uploaded_at=now,
    ).save()


async def remove_material(engine: Engine, storage: Storage, material_id: int) -> None:
    """Remove a material with all its versions: rows first (a stray file harms nobody, a row without file does)."""
    async with write_transaction(engine):
        keys = [
            row["storage_key"]
            for row in await MaterialVersion.select(MaterialVersion.storage_key).where(MaterialVersion.material == material_id)
        ]
        await MaterialVersion.delete().where(MaterialVersion.material == material_id)
        await Material.delete().where(Material.id == material_id)
    for key in keys:
        await storage.delete(key)
