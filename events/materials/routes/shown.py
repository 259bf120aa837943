"""Materials as pages show them: the stored material with its download links, its release state and its kind."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import quote

from events.kernel.i18n import N_
from events.materials import service
from events.materials.content import KINDS
from events.materials.rows import MaterialRow

# What a page says after a change it redirected from (`?done=<key>`).
DONE_MESSAGES = {
    "uploaded": N_("The file was uploaded."),
    "replaced": N_("The new version was uploaded."),
    "removed": N_("The file was removed."),
    "saved": N_("The settings were saved."),
}


@dataclass(frozen=True)
class ShownMaterial(MaterialRow):
    url: str
    version_urls: dict[int, str]
    released: bool
    release_moment: datetime | None
    kind_label: str
    release_at_input: str = ""  # the organiser's datetime-local field


def download_url(material: MaterialRow, version: int | None = None, registration: str | None = None) -> str:
    url = f"/materials/{material.id}/{quote(material.current.original_name, safe='')}"
    query = []
    if version is not None:
        query.append(f"version={version}")
    if registration:
        query.append(f"registration={quote(registration, safe='')}")
    return url + ("?" + "&".join(query) if query else "")


def shown(
    material: MaterialRow, session: dict, now: datetime, registration: str | None = None, release_at_input: str = ""
) -> ShownMaterial:
    """`registration` (a manage token) goes into the download link of a registrants-only file."""
    return ShownMaterial(
        **{column.name: getattr(material, column.name) for column in fields(MaterialRow)},
        url=download_url(material, registration=registration),
        version_urls={v.version: download_url(material, v.version) for v in material.versions},
        released=service.is_released(material, session, now),
        release_moment=service.release_moment(material, session),
        kind_label=KINDS[material.current.kind].label,
        release_at_input=release_at_input,
    )
