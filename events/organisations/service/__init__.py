"""The organisations' rules: the directory of organisations, who is a member with which role (the boundary every
organiser route passes), the team, and invitations. Callers write `from events.organisations import service`."""

from events.organisations.service.access import (
    member_organisation_ids,
    organisation_for,
    organisations_of,
    require_role,
    role_in,
)
from events.organisations.service.directory import (
    all_organisations,
    create_organisation,
    organisation_by_id,
    organisation_by_slug,
    update_settings,
)
from events.organisations.service.invitations import (
    INVITATION_LIFETIME,
    accept_invitation,
    create_with_first_owner,
    invitation_for_token,
    invite,
    pending_invitations,
    revoke_invitation,
)
from events.organisations.service.members import (
    add_member,
    change_role,
    may_create_events,
    members_of,
    organisation_for_new_event,
    remove_member,
    require_may_create_events,
)

__all__ = [
    "INVITATION_LIFETIME",
    "accept_invitation",
    "add_member",
    "all_organisations",
    "change_role",
    "create_organisation",
    "create_with_first_owner",
    "invitation_for_token",
    "invite",
    "member_organisation_ids",
    "members_of",
    "organisation_by_id",
    "organisation_by_slug",
    "organisation_for",
    "organisation_for_new_event",
    "may_create_events",
    "require_may_create_events",
    "organisations_of",
    "pending_invitations",
    "remove_member",
    "require_role",
    "revoke_invitation",
    "role_in",
    "update_settings",
]
