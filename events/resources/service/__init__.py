"""The rules of the resource library, split by job; callers write `from events.resources import service`.

- `vocabulary`: the six aspects, the kinds and languages, the limits
- `library`: finding resources (filters, search, choices, grouping), the quiz's "learn more" link
- `editing`: validating, adding, changing, retiring and restoring
- `importing`: CSV and JSON import, all rows or none
- `links`: the resources of events and sessions
"""

from events.resources.service.editing import (
    check_url,
    clean_resource,
    create_resource,
    normalise_tags,
    restore_resource,
    retire_resource,
    update_resource,
)
from events.resources.service.importing import (
    ImportRefused,
    import_resources,
    parse_csv,
    parse_import,
    parse_json,
)
from events.resources.service.library import (
    choices_by_aspect,
    get_resource,
    group_by_aspect,
    learn_more,
    link_counts,
    list_resources,
    resource_choices,
)
from events.resources.service.links import (
    attach_to_event,
    attach_to_session,
    detach_from_event,
    detach_from_session,
    resources_of_event,
    resources_of_session,
)
from events.resources.service.vocabulary import ASPECTS, FIELDS, KINDS, LANGUAGES, MAX_IMPORT_ROWS

__all__ = [
    "ASPECTS",
    "FIELDS",
    "KINDS",
    "LANGUAGES",
    "MAX_IMPORT_ROWS",
    "ImportRefused",
    "attach_to_event",
    "attach_to_session",
    "check_url",
    "choices_by_aspect",
    "clean_resource",
    "create_resource",
    "detach_from_event",
    "detach_from_session",
    "get_resource",
    "group_by_aspect",
    "import_resources",
    "learn_more",
    "link_counts",
    "list_resources",
    "normalise_tags",
    "parse_csv",
    "parse_import",
    "parse_json",
    "resource_choices",
    "resources_of_event",
    "resources_of_session",
    "restore_resource",
    "retire_resource",
    "update_resource",
]
