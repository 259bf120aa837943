"""The rules of speaker materials: who may upload, what is accepted, versions, visibility and release.

Uploads arrive as a stream of bytes; `receive_upload` spools them to a temporary file while counting and hashing,
refuses as soon as the size limit is passed (413), judges the type by content (415) and only then hands the file to
storage and writes the rows. Nothing half-written survives a refusal or an aborted request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.accounts.tables import PersonalLink, User
from events.kernel.database import lock_row, write_transaction
from events.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.tokens import hash_token
from events.materials.content import HEAD_BYTES, detect_kind, safe_filename
from events.materials.storage import Storage
from events.materials.tables import Material, MaterialVersion
from events.programme import service as programme
from events.programme.tables import Event, Session

VISIBILITIES = ("public", "registrants", "organisers")
RELEASES = ("now", "session_start", "at")


class TooLarge(RuleViolation):
    status_code = 413


class UnsupportedType(RuleViolation):
    status_code = 415


@dataclass(frozen=True)
class Received:
    """An accepted upload, already in storage."""

    key: str
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str


# --- who may do what ------------------------------------------------------------------------------------------


async def speaker_link_is_live(user: CurrentUser, now: datetime) -> bool:
    """A speaker without a password acts through a personal link: once every link has expired or been revoked,
    the signed-in session that came from it gives no access either."""
    if user.role != "speaker":
        return True
    if await User.exists().where((User.id == user.id) & User.password_hash.is_not_null()):
        return True
    return await PersonalLink.exists().where(
        (PersonalLink.user == user.id) & PersonalLink.revoked_at.is_null() & (PersonalLink.expires_at > now)
    )


async def require_live_speaker(user: CurrentUser, now: datetime) -> None:
    if not await speaker_link_is_live(user, now):
        raise Forbidden(N_("Your personal link has expired or was revoked. Ask the organiser for a new link."))


def deadline_passed(event: dict[str, Any], now: datetime) -> bool:
    return event["upload_deadline"] is not None and now >= event["upload_deadline"]


async def session_and_event(session_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    session = await programme.session_by_id(session_id)
    if session is None:
        raise NotFound(N_("No session with this number"))
    event = await programme.event_by_id(session["event"])
    assert event is not None
    return session, event


async def check_may_change(user: CurrentUser, session: dict, event: dict, now: datetime) -> None:
    """Organisers of the event may always change its materials; its speakers until the upload deadline."""
    if programme.may_manage(event, user):
        return
    if not await programme.is_speaker_of(session["id"], user.id):
        raise Forbidden(N_("This is not your session: you can only upload materials for your own sessions."))
    await require_live_speaker(user, now)
    if deadline_passed(event, now):
        raise Conflict(N_("The upload deadline for this event has passed. Ask the organiser if something must still change."))


async def may_see_all(user: CurrentUser | None, session: dict, event: dict, now: datetime) -> bool:
    """Organisers and the session's own speakers see every file and version, released or not."""
    if user is None:
        return False
    if programme.may_manage(event, user):
        return True
    return await programme.is_speaker_of(session["id"], user.id) and await speaker_link_is_live(user, now)


# --- receiving an upload ----------------------------------------------------------------------------------------


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
                    raise TooLarge(N_("The file is larger than the upload limit."), errors={"file": N_("The file is too large.")})
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
            key=key,
            name=safe_filename(filename, kind),
            kind=kind.name,
            content_type=kind.content_type,
            size=size,
            sha256=digest.hexdigest(),
        )
    finally:
        if not kept:
            await anyio.Path(spool).unlink(missing_ok=True)


async def add_material(
    engine: Engine, storage: Storage, session: dict, received: Received, user: CurrentUser, now: datetime
) -> dict[str, Any]:
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
) -> dict[str, Any]:
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


# --- reading ------------------------------------------------------------------------------------------------------


MATERIAL_COLUMNS = (
    Material.id, Material.session, Material.event, Material.visibility, Material.release, Material.release_at,
    Material.current_version, Material.created_at, Material.updated_at,
)


async def material_by_id(material_id: int) -> dict[str, Any] | None:
    return await Material.select(*MATERIAL_COLUMNS).where(Material.id == material_id).first()


async def versions_of(material_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every version of these materials, newest first, keyed by material id."""
    if not material_ids:
        return {}
    rows = (
        await MaterialVersion.select(
            MaterialVersion.id, MaterialVersion.material, MaterialVersion.version, MaterialVersion.storage_key,
            MaterialVersion.original_name, MaterialVersion.content_type, MaterialVersion.kind, MaterialVersion.size,
            MaterialVersion.sha256, MaterialVersion.uploaded_at, MaterialVersion.uploaded_by.name.as_alias("uploaded_by_name"),
        )
        .where(MaterialVersion.material.is_in(material_ids))
        .order_by(MaterialVersion.version, ascending=False)
    )
    grouped: dict[int, list[dict[str, Any]]] = {mid: [] for mid in material_ids}
    for row in rows:
        grouped[row["material"]].append(row)
    return grouped


def _attach(materials: list[dict[str, Any]], versions: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    result = []
    for material in materials:
        all_versions = versions.get(material["id"], [])
        current = next((v for v in all_versions if v["version"] == material["current_version"]), None)
        if current is None:
            continue
        result.append({**material, "current": current, "versions": all_versions})
    return result


async def material_with_version(material_id: int) -> dict[str, Any]:
    material = await material_by_id(material_id)
    if material is None:
        raise NotFound(N_("No file with this number"))
    found = _attach([material], await versions_of([material_id]))
    if not found:
        raise NotFound(N_("No file with this number"))
    return found[0]


async def materials_of_sessions(session_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every material (with current and all versions) of these sessions, keyed by session id."""
    grouped: dict[int, list[dict[str, Any]]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return grouped
    materials = (
        await Material.select(*MATERIAL_COLUMNS).where(Material.session.is_in(session_ids)).order_by(Material.id)
    )
    for material in _attach(materials, await versions_of([m["id"] for m in materials])):
        grouped[material["session"]].append(material)
    return grouped


async def materials_of_event(event_id: int) -> list[dict[str, Any]]:
    materials = await Material.select(*MATERIAL_COLUMNS).where(Material.event == event_id).order_by(Material.id)
    return _attach(materials, await versions_of([m["id"] for m in materials]))


def release_moment(material: dict[str, Any], session: dict[str, Any]) -> datetime | None:
    """When participants may see it: None = already (release "now")."""
    if material["release"] == "session_start":
        return session["starts_at"]
    if material["release"] == "at":
        return material["release_at"]
    return None


def is_released(material: dict[str, Any], session: dict[str, Any], now: datetime) -> bool:
    moment = release_moment(material, session)
    return moment is None or now >= moment


async def registration_for_token(event_id: int, token: str | None) -> dict[str, Any] | None:
    """The active registration (confirmed) of this event whose manage token this is, or None."""
    if not token or len(token) > 200:
        return None
    from events.registration.tables import Registration  # the manage link is the registrant's only credential

    return (
        await Registration.select(Registration.id, Registration.status)
        .where(
            (Registration.token_hash == hash_token(token))
            & (Registration.event == event_id)
            & (Registration.status == "confirmed")
        )
        .first()
    )


def audience_of(visibility: str, registrant: bool) -> bool:
    return visibility == "public" or (visibility == "registrants" and registrant)


async def participant_materials(
    sessions: list[dict[str, Any]], event: dict[str, Any], now: datetime, registrant: bool
) -> dict[int, list[dict[str, Any]]]:
    """What participants may see: released materials, public ones (and registrants' ones for a registrant)."""
    if event["status"] == "draft":
        return {s["id"]: [] for s in sessions}
    by_session = await materials_of_sessions([s["id"] for s in sessions])
    sessions_by_id = {s["id"]: s for s in sessions}
    return {
        sid: [
            m for m in materials
            if audience_of(m["visibility"], registrant) and is_released(m, sessions_by_id[sid], now)
        ]
        for sid, materials in by_session.items()
    }


async def downloadable_version(
    material_id: int, version: int | None, user: CurrentUser | None, registration_token: str | None, now: datetime
) -> dict[str, Any]:
    """The version a request may download; raises NotFound for what it may not know of, Forbidden for
    registrants-only files without a valid manage link."""
    material = await material_by_id(material_id)
    if material is None:
        raise NotFound(N_("No file with this number"))
    session, event = await session_and_event(material["session"])
    insider = await may_see_all(user, session, event, now)
    if not insider:
        if version not in (None, material["current_version"]):
            raise NotFound(N_("No file with this number"))
        if event["status"] == "draft" or material["visibility"] == "organisers" or not is_released(material, session, now):
            raise NotFound(N_("No file with this number"))
        if material["visibility"] == "registrants" and await registration_for_token(event["id"], registration_token) is None:
            raise Forbidden(N_("This file is only for registrants of the event: use the link from your confirmation e-mail."))
    wanted = version or material["current_version"]
    row = (
        await MaterialVersion.select()
        .where((MaterialVersion.material == material_id) & (MaterialVersion.version == wanted))
        .first()
    )
    if row is None:
        raise NotFound(N_("No file with this number"))
    return row


# --- changing -----------------------------------------------------------------------------------------------------


async def update_material(
    material_id: int, visibility: str | None, release: str | None, release_at: datetime | None, now: datetime
) -> dict[str, Any]:
    """Visibility and release moment (organisers); unknown values are refused field by field."""
    errors: dict[str, str] = {}
    if visibility is not None and visibility not in VISIBILITIES:
        errors["visibility"] = N_("Choose public, registrants or organisers.")
    if release is None and release_at is not None:
        release = "at"
    if release is not None and release not in RELEASES:
        errors["release"] = N_("Choose now, at the start of the session, or a moment.")
    if release == "at" and release_at is None:
        errors["release_at"] = N_("Give the moment of release.")
    if release_at is not None and release_at.tzinfo is None:
        errors["release_at"] = N_("Give the moment with its time zone offset.")
    if errors:
        raise RuleViolation(N_("The settings could not be saved."), errors=errors, status_code=400)
    values: dict[Any, Any] = {Material.updated_at: now}
    if visibility is not None:
        values[Material.visibility] = visibility
    if release is not None:
        values[Material.release] = release
        values[Material.release_at] = release_at if release == "at" else None
    await Material.update(values).where(Material.id == material_id)
    return await material_with_version(material_id)


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


ORPHAN_MIN_AGE = timedelta(hours=1)


async def sweep_orphaned_files(storage: Storage, now: datetime, min_age: timedelta = ORPHAN_MIN_AGE) -> int:
    """Deletes stored files no version refers to any more (their session or event was deleted, which removes the
    rows but cannot reach the storage). Only files older than `min_age`: an upload saves its file just before
    its row commits. Returns how many went."""
    known = {row["storage_key"] for row in await MaterialVersion.select(MaterialVersion.storage_key)}
    removed = 0
    for key, saved_at in await storage.stored():
        if key not in known and saved_at <= now - min_age:
            await storage.delete(key)
            removed += 1
    return removed


async def set_upload_deadline(event_id: int, deadline: datetime | None) -> None:
    await Event.update({Event.upload_deadline: deadline}).where(Event.id == event_id)


async def count_by_event(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    rows = await Material.select(Material.event).where(Material.event.is_in(event_ids))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["event"]] = counts.get(row["event"], 0) + 1
    return counts


async def sessions_by_ids(session_ids: list[int]) -> list[dict[str, Any]]:
    if not session_ids:
        return []
    return await Session.select().where(Session.id.is_in(session_ids))

