"""Recordings: links to a video platform (with a title and an optional subtitle or transcript link) on a session or
on the event as a whole. They are released when their session (or the event) ends — before that nobody but the
organiser sees them — and each is public or for confirmed registrants only.

Stored as JSON in `Session.recordings` and `Event.recordings`, so a change is a change of the session or event row:
the content-version triggers bump the public programme's caches with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from events.kernel.i18n import N_
from events.kernel.text import has_control_characters, valid_web_url
from events.programme.tables import RecordingVisibility

MAX_RECORDINGS = 5
MAX_RECORDING_TITLE = 200
FIELDS = ("url", "title", "transcript_url", "visibility")
URL_RULE = N_("Enter the recording's web address, starting with https:// or http://")
TITLE_RULE = N_("Enter a title for the recording (at most 200 characters)")
TRANSCRIPT_RULE = N_("Enter the web address of the subtitles or transcript, starting with https:// or http://, or leave it empty")
VISIBILITY_RULE = N_("Choose who may see the recording: everyone or registered participants")
COUNT_RULE = N_("A session or event can have at most 5 recordings")


def recordings_of(row: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """The stored recordings of a session or event row (junk reads as none)."""
    try:
        items = json.loads((row or {}).get("recordings") or "[]")
    except ValueError:
        return []
    return [{name: str(item.get(name) or "") for name in FIELDS} for item in items if isinstance(item, dict)] \
        if isinstance(items, list) else []


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, msgspec.Struct):
        return {k: v for k, v in msgspec.structs.asdict(item).items() if v is not msgspec.UNSET}
    return dict(item) if isinstance(item, Mapping) else {}


def _clean_one(values: dict[str, Any], i: int, errors: dict[str, str]) -> dict[str, str]:
    item = {name: str(values.get(name) or "").strip() for name in FIELDS}
    item["visibility"] = item["visibility"] or RecordingVisibility.PUBLIC.value
    if not valid_web_url(item["url"]) or len(item["url"]) > 2000:
        errors[f"recording_url_{i}"] = URL_RULE
    if not item["title"] or len(item["title"]) > MAX_RECORDING_TITLE or has_control_characters(item["title"]):
        errors[f"recording_title_{i}"] = TITLE_RULE
    if item["transcript_url"] and (not valid_web_url(item["transcript_url"]) or len(item["transcript_url"]) > 2000):
        errors[f"recording_transcript_url_{i}"] = TRANSCRIPT_RULE
    if item["visibility"] not in tuple(RecordingVisibility):
        errors[f"recording_visibility_{i}"] = VISIBILITY_RULE
    return item


def clean_recordings(items: Any, errors: dict[str, str]) -> str:
    """A list of {url, title, transcript_url?, visibility?} as stored (JSON); failing fields' messages go into
    `errors` under recording_<field>_<position> (the form's field names)."""
    if items is None:
        return "[]"
    if isinstance(items, str):  # a stored value passed on by a partial update
        return json.dumps(recordings_of({"recordings": items}))
    if not isinstance(items, list | tuple):
        errors["recordings"] = URL_RULE
        return "[]"
    if len(items) > MAX_RECORDINGS:
        errors["recordings"] = COUNT_RULE
    cleaned = [_clean_one(_as_dict(item), i, errors) for i, item in enumerate(items[:MAX_RECORDINGS])]
    return json.dumps(cleaned)


def is_released(ends_at: datetime, now: datetime) -> bool:
    """A recording shows once its session (or, for the event's own, the event) has ended."""
    return ends_at <= now


def released_recordings(row: Mapping[str, Any], now: datetime, registrant: bool) -> list[dict[str, str]]:
    """The recordings of this session or event row that this reader may see now: none before the row's end;
    public ones for everyone, registrants' ones too for a confirmed registrant."""
    if not is_released(row["ends_at"], now):
        return []
    allowed = {RecordingVisibility.PUBLIC.value} | ({RecordingVisibility.REGISTRANTS.value} if registrant else set())
    return [item for item in recordings_of(row) if item["visibility"] in allowed]


def recordings_by_part(
    event: Mapping[str, Any], sessions: list[Mapping[str, Any]], now: datetime, registrant: bool
) -> list[dict[str, Any]]:
    """[{"session": row or None (the event's own), "recordings": [...]}] of what this reader may see now, the
    event's own first, then by session in programme order."""
    parts = [{"session": None, "recordings": released_recordings(event, now, registrant)}]
    parts += [{"session": s, "recordings": released_recordings(s, now, registrant)} for s in sessions]
    return [part for part in parts if part["recordings"]]


def recording_form_rows(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """The form's rows: the recordings, then empty rows up to the limit."""
    empty = {name: "" for name in FIELDS}
    return [*items, *[empty] * max(0, MAX_RECORDINGS - len(items))]


def recordings_from_form(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The form's filled rows (recording_url_0, recording_title_0, …) as a list; a row without url and title is
    left out."""
    rows = []
    for i in range(MAX_RECORDINGS):
        row = {name: str(data.get(f"recording_{name}_{i}") or "") for name in FIELDS}
        if row["url"].strip() or row["title"].strip() or row["transcript_url"].strip():
            rows.append(row)
    return rows
