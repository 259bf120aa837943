"""The download of a material: public, for registrants with their manage token, every version for organisers and
the session's speakers. Sent as an attachment that no browser renders in the site's origin."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from litestar import get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import File, Stream

from events.materials import service
from events.materials.content import ascii_fallback
from events.materials.storage import storage_for
from events.web.deps import ClockDep, MaybeUserDep, SettingsDep


@get("/materials/{material_id:int}/{filename:str}", opt={"csrf_free": True}, tags=["materials"],
     summary="Download a material (public, registrants via ?registration=<manage token>, organisers: ?version=N)")
async def download(
    material_id: FromPath[int], filename: FromPath[str], current_user: MaybeUserDep, clock: ClockDep,
    settings: SettingsDep, registration: FromQuery[str | None] = None,
    version: Annotated[int | None, QueryParameter(ge=1)] = None,
) -> File | Stream:
    row = await service.downloadable_version(material_id, version, current_user, registration, clock.now())
    name = row.original_name
    headers = {
        "content-disposition": f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}",
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-cache",
        # A manage token in the URL must not travel on in a Referer header.
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; sandbox",
    }
    storage = storage_for(settings.data_dir)
    path = storage.local_path(row.storage_key)
    if path is not None:
        return File(path=path, media_type=row.content_type, headers=headers, content_disposition_type="attachment",
                    filename=ascii_fallback(name))
    headers["content-length"] = str(row.size)
    return Stream(storage.open(row.storage_key), media_type=row.content_type, headers=headers)


ROUTES = [download]
