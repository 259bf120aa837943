"""The rules of speaker materials, split by job; callers write `from events.materials import service`.

- `access`: who may change or see a session's materials, and the upload deadline
- `uploads`: receiving a file (size, type), new materials and versions, removing them
- `listing`: materials with their versions, for pages and the API
- `release`: visibility and release, what participants see, which version a download sends
- `sweep`: stored files no version refers to any more
"""

from events.materials.service.access import (
    check_may_change,
    deadline_passed,
    may_see_all,
    require_live_speaker,
    require_organiser,
    session_and_event,
    session_and_event_of_material,
    set_upload_deadline,
    speaker_link_is_live,
)
from events.materials.service.listing import count_by_event, material_with_version, materials_of_sessions
from events.materials.service.release import (
    audience_of,
    downloadable_version,
    is_confirmed_registrant,
    is_released,
    participant_materials,
    participant_materials_and_next_release,
    release_moment,
    update_material,
)
from events.materials.service.sweep import ORPHAN_MIN_AGE, sweep_orphaned_files
from events.materials.service.uploads import (
    Received,
    TooLarge,
    UnsupportedType,
    add_material,
    add_version,
    receive_upload,
    remove_material,
    too_large,
)

__all__ = [
    "ORPHAN_MIN_AGE",
    "Received",
    "TooLarge",
    "UnsupportedType",
    "add_material",
    "add_version",
    "audience_of",
    "check_may_change",
    "count_by_event",
    "deadline_passed",
    "downloadable_version",
    "is_confirmed_registrant",
    "is_released",
    "material_with_version",
    "materials_of_sessions",
    "may_see_all",
    "participant_materials",
    "participant_materials_and_next_release",
    "receive_upload",
    "release_moment",
    "remove_material",
    "require_live_speaker",
    "require_organiser",
    "session_and_event",
    "session_and_event_of_material",
    "set_upload_deadline",
    "speaker_link_is_live",
    "sweep_orphaned_files",
    "too_large",
    "update_material",
]
