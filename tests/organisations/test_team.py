"""Organisations and their teams: roles, invitations by mail, the last owner, and the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from events.accounts import service as accounts
from events.audit import service as audit
from events.kernel.errors import Conflict, Forbidden, NotFound, RuleViolation
from events.mail.tables import OutboxMessage
from events.organisations import service
from events.organisations.tables import OrgRole
from tests.conftest import NOW, PASSWORD, get_csrf, login, post_form


async def _invitation_link(email: str) -> str:
    row = await OutboxMessage.select().where(OutboxMessage.to_address == email).order_by(OutboxMessage.id, ascending=False).first()
    assert row is not None, f"no mail to {email}"
    return re.search(r"http://testserver\.local(/invitations/[\w-]+)", row["text_body"])[1]


async def test_roles_include_what_the_roles_below_may(team):
    assert OrgRole.OWNER.includes(OrgRole.EDITOR) and OrgRole.EDITOR.includes(OrgRole.VIEWER)
    assert not OrgRole.VIEWER.includes(OrgRole.EDITOR)
    assert await service.require_role(team.editor, team.organisation.id, OrgRole.EDITOR) == OrgRole.EDITOR
    with pytest.raises(Forbidden):
        await service.require_role(team.viewer, team.organisation.id, OrgRole.EDITOR)


async def test_someone_of_another_organisation_learns_nothing(team, other_team):
    with pytest.raises(NotFound) as missing:
        await service.organisation_for(other_team.owner, team.organisation.slug)
    with pytest.raises(NotFound) as unknown:
        await service.organisation_for(other_team.owner, "bestaat-niet")
    assert missing.value.message == unknown.value.message


async def test_an_admin_is_no_member_by_platform_role(team, admin):
    with pytest.raises(NotFound):
        await service.organisation_for(admin, team.organisation.slug)


async def test_the_last_owner_cannot_leave_step_down_or_be_removed(team):
    owner = next(m for m in await service.members_of(team.organisation.id) if m.role == OrgRole.OWNER)
    with pytest.raises(Conflict):
        await service.change_role(team.organisation, owner.id, "editor", team.owner, NOW)
    with pytest.raises(Conflict):
        await service.remove_member(team.organisation, owner.id, team.owner, NOW)
    editor = next(m for m in await service.members_of(team.organisation.id) if m.user_id == team.editor.id)
    await service.change_role(team.organisation, editor.id, "owner", team.owner, NOW)
    await service.change_role(team.organisation, owner.id, "viewer", team.owner, NOW)  # now there is another owner
    roles = {m.user_id: m.role for m in await service.members_of(team.organisation.id)}
    assert roles[team.owner.id] == OrgRole.VIEWER and roles[team.editor.id] == OrgRole.OWNER


async def test_an_invitation_mails_a_one_time_link_and_a_new_colleague_sets_a_password(team, client, clock):
    invitation = await service.invite(team.organisation, "Nieuw@Gemeente-A.example.nl", "editor", team.owner, NOW, "http://testserver.local", "nl")
    assert invitation.email == "nieuw@gemeente-a.example.nl"
    link = await _invitation_link("nieuw@gemeente-a.example.nl")
    page = await client.get(link)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Gemeente A" in page.text and "Kies een wachtwoord" in page.text
    short = await post_form(client, link, {"name": "Nina Nieuw", "password": "kort"})
    assert short.status_code == 400 and "minstens 10 tekens" in short.text
    joined = await post_form(client, link, {"name": "Nina Nieuw", "password": PASSWORD})
    assert joined.status_code == 303 and joined.headers["location"].startswith("/organiser/organisations/gemeente-a/team")
    user = await accounts.authenticate("nieuw@gemeente-a.example.nl", PASSWORD)
    assert user is not None and await service.role_in(user.id, team.organisation.id) == OrgRole.EDITOR
    again = await client.get(link)
    assert again.status_code == 404  # one time only


async def test_an_existing_account_joins_with_its_own_password(team, other_team, clock):
    await service.invite(team.organisation, other_team.viewer.email, "viewer", team.owner, NOW, "http://testserver.local", "nl")
    link = await _invitation_link(other_team.viewer.email)
    token = link.rsplit("/", 1)[1]
    view = await service.invitation_for_token(token, NOW)
    assert view.has_account and view.role == OrgRole.VIEWER
    with pytest.raises(RuleViolation) as wrong:
        await service.accept_invitation(token, NOW, password="not the password")
    assert "password" in wrong.value.errors
    user = await service.accept_invitation(token, NOW, password=PASSWORD)
    assert user.id == other_team.viewer.id
    assert await service.role_in(user.id, team.organisation.id) == OrgRole.VIEWER
    assert await service.role_in(user.id, other_team.organisation.id) == OrgRole.VIEWER  # a user may belong to several


async def test_a_speaker_account_that_is_invited_becomes_an_organiser(team, speaker):
    await service.invite(team.organisation, speaker.email, "editor", team.owner, NOW, "http://testserver.local", "en")
    token = (await _invitation_link(speaker.email)).rsplit("/", 1)[1]
    assert not (await service.invitation_for_token(token, NOW)).has_account  # no password yet
    user = await service.accept_invitation(token, NOW, name="Sanne", password=PASSWORD)
    assert user.id == speaker.id and user.role == "organiser"


async def test_invitations_expire_are_replaced_and_can_be_withdrawn(team):
    first = await service.invite(team.organisation, "x@example.nl", "editor", team.owner, NOW, "http://testserver.local", "nl")
    first_token = (await _invitation_link("x@example.nl")).rsplit("/", 1)[1]
    second = await service.invite(team.organisation, "x@example.nl", "viewer", team.owner, NOW, "http://testserver.local", "nl")
    with pytest.raises(NotFound):
        await service.invitation_for_token(first_token, NOW)  # the newer invitation replaced it
    second_token = (await _invitation_link("x@example.nl")).rsplit("/", 1)[1]
    with pytest.raises(NotFound):
        await service.invitation_for_token(second_token, NOW + service.INVITATION_LIFETIME + timedelta(seconds=1))
    await service.revoke_invitation(team.organisation, second.id, team.owner, NOW)
    with pytest.raises(NotFound):
        await service.invitation_for_token(second_token, NOW)
    assert first.id != second.id and await service.pending_invitations(team.organisation.id, NOW) == []


async def test_inviting_a_member_again_or_a_bad_address_is_refused(team):
    with pytest.raises(Conflict):
        await service.invite(team.organisation, team.editor.email, "owner", team.owner, NOW, "http://x", "nl")
    for bad in ("geen-adres", "a@b.nl\r\nBcc: x@y.nl"):
        with pytest.raises(RuleViolation):
            await service.invite(team.organisation, bad, "editor", team.owner, NOW, "http://x", "nl")
    assert await OutboxMessage.count() == 0


async def test_every_membership_change_is_in_the_audit_trail(team):
    await service.invite(team.organisation, "y@example.nl", "editor", team.owner, NOW, "http://x", "nl")
    viewer = next(m for m in await service.members_of(team.organisation.id) if m.user_id == team.viewer.id)
    await service.change_role(team.organisation, viewer.id, "editor", team.owner, NOW)
    await service.remove_member(team.organisation, viewer.id, team.owner, NOW)
    actions = [e.action for e in await audit.entries(organisation_id=team.organisation.id)]
    assert actions[:3] == ["members.remove", "members.role", "members.invite"]
    assert actions.count("members.add") == 3  # the team's fixtures


async def test_the_team_page_shows_owners_the_forms_and_viewers_only_the_list(app, team):
    from tests.conftest import http_client

    async with http_client(app) as owner, http_client(app) as viewer, http_client(app) as stranger:
        await login(owner, team.owner.email)
        await login(viewer, team.viewer.email)
        page = await owner.get("/organiser/organisations/gemeente-a/team")
        assert page.status_code == 200 and "Een collega uitnodigen" in page.text and team.viewer.email in page.text
        seen = await viewer.get("/organiser/organisations/gemeente-a/team")
        assert seen.status_code == 200 and "Een collega uitnodigen" not in seen.text
        refused = await post_form(viewer, "/organiser/organisations/gemeente-a/team/invite", {"email": "z@example.nl", "role": "owner"})
        assert refused.status_code == 403
        invited = await post_form(owner, "/organiser/organisations/gemeente-a/team/invite", {"email": "z@example.nl", "role": "editor"})
        assert invited.status_code == 303
        bad = await post_form(owner, "/organiser/organisations/gemeente-a/team/invite", {"email": "kapot", "role": "editor"})
        assert bad.status_code == 400 and "Vul een geldig e-mailadres in" in bad.text
        assert (await stranger.get("/organiser/organisations/gemeente-a/team")).status_code in (302, 303)


async def test_the_api_lists_my_organisations_and_manages_the_team(client, team, other_team):
    token = await accounts.create_api_token(team.owner.id)
    headers = {"authorization": f"Bearer {token}"}
    mine = (await client.get("/api/organisations", headers=headers)).json()
    assert len(mine) == 1 and mine[0]["stylesheet_url"].startswith("/organisations/gemeente-a/theme.css?v=")
    assert {k: v for k, v in mine[0].items() if k != "stylesheet_url"} == {
        "slug": "gemeente-a", "name": "Gemeente A", "contact_email": "", "website": "", "privacy_url": "",
        "accessibility_url": "", "primary_colour": "", "logo_url": None, "role": "owner"}
    members = (await client.get("/api/organisations/gemeente-a/members", headers=headers)).json()
    assert {m["role"] for m in members} == {"owner", "editor", "viewer"}
    created = await client.post("/api/organisations/gemeente-a/members", json={"email": "api@example.nl", "role": "viewer"}, headers=headers)
    assert created.status_code == 201 and created.json()["email"] == "api@example.nl" and "token" not in created.text
    viewer = next(m for m in members if m["role"] == "viewer")
    changed = await client.patch(f"/api/organisations/gemeente-a/members/{viewer['id']}", json={"role": "editor"}, headers=headers)
    assert changed.status_code == 200 and changed.json()["role"] == "editor"
    owner = next(m for m in members if m["role"] == "owner")
    last = await client.delete(f"/api/organisations/gemeente-a/members/{owner['id']}", headers=headers)
    assert last.status_code == 409
    assert (await client.get("/api/organisations/ministerie-b/members", headers=headers)).status_code == 404
    other = await accounts.create_api_token(other_team.owner.id)
    foreign = await client.delete(f"/api/organisations/gemeente-a/members/{viewer['id']}", headers={"authorization": f"Bearer {other}"})
    assert foreign.status_code == 404
    viewer_token = await accounts.create_api_token(team.viewer.id)
    weak = await client.post("/api/organisations/gemeente-a/members", json={"email": "q@example.nl"}, headers={"authorization": f"Bearer {viewer_token}"})
    assert weak.status_code == 403


async def test_a_member_may_leave_but_not_remove_others(client, team):
    token = await accounts.create_api_token(team.viewer.id)
    headers = {"authorization": f"Bearer {token}"}
    members = (await client.get("/api/organisations/gemeente-a/members", headers=headers)).json()
    editor = next(m for m in members if m["role"] == "editor")
    assert (await client.delete(f"/api/organisations/gemeente-a/members/{editor['id']}", headers=headers)).status_code == 403
    me = next(m for m in members if m["email"] == team.viewer.email)
    assert (await client.delete(f"/api/organisations/gemeente-a/members/{me['id']}", headers=headers)).status_code == 204
    assert await service.role_in(team.viewer.id, team.organisation.id) is None


async def test_admins_create_organisations_with_a_first_owner(client, admin, settings):
    await login(client, admin.email)
    await get_csrf(client)
    response = await post_form(client, "/admin/organisations", {"name": "Veiligheidsregio Zuid", "slug": "", "owner_email": "baas@vr-zuid.example.nl"})
    assert response.status_code == 303
    created = await service.organisation_by_slug("veiligheidsregio-zuid")
    assert created is not None
    assert (await service.pending_invitations(created.id, NOW))[0].role == OrgRole.OWNER
    refused = await post_form(client, "/admin/organisations", {"name": "", "owner_email": "nee"})
    assert refused.status_code == 400 and await service.all_organisations() == [created]
