"""API shapes of the materials domain."""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct


class MaterialVersionOut(Struct):
    version: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    url: str


class MaterialOut(Struct):
    id: int
    session_id: int
    version: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str
    visibility: str
    release: str  # now | session_start | at
    release_at: datetime | None
    released: bool
    uploaded_at: datetime
    versions: list[MaterialVersionOut] | None = None  # organisers and the session's speakers only


class MaterialUpdate(Struct, forbid_unknown_fields=True):
    visibility: str | None = None  # public | registrants | organisers
    release: str | None = None  # now | session_start | at
    release_at: datetime | None = None  # ISO 8601 with offset; implies release "at"


class ErrorBody(Struct):
    """How a refusal looks (413, 415, 403, 409): a message for people, and the failing field in `extra`."""

    status_code: int
    detail: str
