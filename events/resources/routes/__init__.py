"""The library over HTTP, by audience: the public library and its API (`public`), the organisers' pages
(`back_office`) and API (`api`); `sections` holds what the library adds to other domains' pages and mails."""

from __future__ import annotations

from events.resources.routes import api, back_office, public

# In the order of the OpenAPI document before the split: the library, then its links, then the pages.
ROUTES = [
    public.library_page,
    public.api_list_resources,
    public.api_get_resource,
    api.api_create_resource,
    api.api_update_resource,
    api.api_retire_resource,
    api.api_import_resources,
    public.api_event_resources,
    api.api_attach_to_event,
    api.api_detach_from_event,
    public.api_session_resources,
    api.api_attach_to_session,
    api.api_detach_from_session,
    back_office.editor_page,
    back_office.new_resource_page,
    back_office.create_resource_form,
    back_office.edit_resource_page,
    back_office.update_resource_form,
    back_office.retire_resource_form,
    back_office.restore_resource_form,
    back_office.import_page,
    back_office.import_resources_form,
    back_office.event_resources_page,
    back_office.attach_to_event_form,
    back_office.detach_from_event_form,
    back_office.attach_to_session_form,
    back_office.detach_from_session_form,
]
