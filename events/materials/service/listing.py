"""Reading materials for pages and the API: one material, the materials of sessions, with all their versions."""

from __future__ import annotations

from typing import Any

from events.kernel.content_versions import MATERIALS, PROGRAMME, remembered
from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.materials.rows import MaterialRow, VersionRow
from events.materials.tables import Material, MaterialVersion, Release, Visibility

MATERIAL_COLUMNS = (
    Material.id, Material.session, Material.event, Material.visibility, Material.release, Material.release_at,
    Material.current_version, Material.created_at, Material.updated_at,
)
VERSION_COLUMNS = (
    MaterialVersion.id, MaterialVersion.material, MaterialVersion.version, MaterialVersion.storage_key,
    MaterialVersion.original_name, MaterialVersion.content_type, MaterialVersion.kind, MaterialVersion.size,
    MaterialVersion.sha256, MaterialVersion.uploaded_at, MaterialVersion.uploaded_by.name.as_alias("uploaded_by_name"),
)


async def material_by_id(material_id: int) -> dict[str, Any] | None:
    """The material's own columns (no versions): enough to decide who may see or change it."""
    return await Material.select(*MATERIAL_COLUMNS).where(Material.id == material_id).first()


async def versions_of(material_ids: list[int]) -> dict[int, list[VersionRow]]:
    """Every version of these materials, newest first, keyed by material id."""
    if not material_ids:
        return {}
    rows = (
        await MaterialVersion.select(*VERSION_COLUMNS)
        .where(MaterialVersion.material.is_in(material_ids))
        .order_by(MaterialVersion.version, ascending=False)
    )
    grouped: dict[int, list[VersionRow]] = {mid: [] for mid in material_ids}
    for row in rows:
        grouped[row["material"]].append(VersionRow.from_row(row))
    return grouped


def _with_versions(materials: list[dict[str, Any]], versions: dict[int, list[VersionRow]]) -> list[MaterialRow]:
    """Materials joined to their versions; one whose current version is missing is left out."""
    result = []
    for material in materials:
        all_versions = versions.get(material["id"], [])
        current = next((v for v in all_versions if v.version == material["current_version"]), None)
        if current is None:
            continue
        result.append(
            MaterialRow(
                **{**material, "visibility": Visibility(material["visibility"]), "release": Release(material["release"])},
                current=current,
                versions=tuple(all_versions),
            )
        )
    return result


async def material_with_version(material_id: int) -> MaterialRow:
    material = await material_by_id(material_id)
    if material is None:
        raise NotFound(N_("No file with this number"))
    found = _with_versions([material], await versions_of([material_id]))
    if not found:
        raise NotFound(N_("No file with this number"))
    return found[0]


@remembered(MATERIALS, PROGRAMME)  # PROGRAMME: the uploaders' names
async def materials_of_sessions(session_ids: list[int]) -> dict[int, list[MaterialRow]]:
    """Every material (with current and all versions) of these sessions, keyed by session id."""
    grouped: dict[int, list[MaterialRow]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return grouped
    materials = (
        await Material.select(*MATERIAL_COLUMNS).where(Material.session.is_in(session_ids)).order_by(Material.id)
    )
    for material in _with_versions(materials, await versions_of([m["id"] for m in materials])):
        grouped[material.session].append(material)
    return grouped


async def count_by_event(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    rows = await Material.select(Material.event).where(Material.event.is_in(event_ids))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["event"]] = counts.get(row["event"], 0) + 1
    return counts
