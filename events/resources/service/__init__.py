"""The rules of the resource library, split by job; callers write `from events.resources import service`.

- `vocabulary`: the six aspects, the kinds and languages, the limits
- `library`: finding resources (filters, search, choices, grouping), the quiz's "learn more" link
- `editing`: validating, adding, changing, retiring and restoring
- `importing`: CSV and JSON import, all rows or none
- `links`: the resources of events and sessions
- `stewardship`: who keeps and may change which entry (shared: admins; an organisation's own: its editors), and
  the audited changes and links that routes call
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
from events.resources.service.stewardship import add as add_resource
from events.resources.service.stewardship import change as change_resource
from events.resources.service.stewardship import import_as as import_resources_as
from events.resources.service.stewardship import (
    keeper_for_new,
    require_may_add,
    resource_for,
    visible_organisation_ids,
)
from events.resources.service.stewardship import link as link_resource
from events.resources.service.stewardship import restore as restore_resource_as
from events.resources.service.stewardship import retire as retire_resource_as
from events.resources.service.stewardship import unlink as unlink_resource
from events.resources.service.vocabulary import ASPECTS, FIELDS, KINDS, LANGUAGES, MAX_IMPORT_ROWS

__all__ = [
    "ASPECTS",
    "FIELDS",
    "KINDS",
    "LANGUAGES",
    "MAX_IMPORT_ROWS",
    "ImportRefused",
    "add_resource",
    "change_resource",
    "import_resources_as",
    "keeper_for_new",
    "link_resource",
    "require_may_add",
    "resource_for",
    "restore_resource_as",
    "retire_resource_as",
    "unlink_resource",
    "visible_organisation_ids",
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
