"""Organisers' actions on registrations are in the audit trail, and the event's audit page lists them for its
organisation's editors and owners (not its viewers, not another organisation)."""

from __future__ import annotations

from events.accounts import service as accounts
from events.audit import service as audit
from events.organisations import service as organisations
from events.programme import service as programme
from tests.conftest import NOW, PASSWORD, http_client, login, post_form
from tests.programme.helpers import event_data


async def _member(slug: str, role: str):
    organisation = await organisations.organisation_by_slug(slug) or await organisations.create_organisation(
        {"name": slug}, NOW, slug=slug)
    user = await accounts.create_user(f"{role}@{slug}.nl", "organiser", password=PASSWORD, name=role)
    await organisations.add_member(organisation.id, user.id, role, NOW)
    return user


async def test_registration_actions_are_audited_and_listed_on_the_events_audit_page(app):
    editor = await _member("gemeente-a", "editor")
    viewer = await _member("gemeente-a", "viewer")
    outsider = await _member("ministerie-b", "owner")
    event = await programme.create_event(event_data(title="Dag A", approval_required=True), editor, NOW, organisation="gemeente-a")
    async with http_client(app) as browser:
        await login(browser, editor.email)
        await post_form(browser, f"/organiser/events/{event['slug']}/status/publish", {})
        ids = []
        for name in ("Anna", "Bram"):
            async with http_client(app) as anonymous:
                answer = await anonymous.post(f"/api/events/{event['slug']}/registrations", json={
                    "name": name, "email": f"{name.lower()}@gemeente.nl", "organisation": "Gemeente Utrecht"})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        base = f"/organiser/events/{event['slug']}/registrations"
        for path in (f"{ids[0]}/approve", f"{ids[1]}/reject", f"{ids[0]}/check-in", f"{ids[0]}/cancel"):
            assert (await post_form(browser, f"{base}/{path}", {})).status_code == 303, path
        assert (await browser.get(f"{base}/export")).status_code == 200
        assert (await browser.get(f"/api/events/{event['slug']}/registrations")).status_code == 200
        page = await browser.get(f"/organiser/events/{event['slug']}/audit")
        assert page.status_code == 200
    actions = [e.action for e in reversed(await audit.entries(event_id=event["id"], action_prefix="registrations."))]
    assert actions == ["registrations.approve", "registrations.reject", "registrations.check-in",
                       "registrations.cancel", "registrations.export", "registrations.export"]
    entries = await audit.entries(event_id=event["id"], action_prefix="registrations.")
    assert all(e.actor_label == editor.email and e.organisation_id == event["organisation"] for e in entries)
    for action in actions[:-1]:  # the page was read before the API list
        assert action in page.text
    async with http_client(app) as browser:
        await login(browser, viewer.email)
        assert (await browser.get(f"/organiser/events/{event['slug']}/audit")).status_code == 403
    async with http_client(app) as browser:
        await login(browser, outsider.email)
        assert (await browser.get(f"/organiser/events/{event['slug']}/audit")).status_code == 404
