"""Who keeps which entry of the library: the shared library is the admins', an organisation's own entries its
editors'; anyone links a shared entry or their own organisation's; every change is in the audit trail."""

from __future__ import annotations

from events.accounts import service as accounts
from events.audit import service as audit
from events.organisations import service as organisations
from events.programme import service as programme
from events.resources.tables import Resource
from tests.conftest import NOW, PASSWORD, get_csrf, http_client, login
from tests.programme.helpers import event_data

ENTRY = {"title": "Handreiking phishing", "url": "https://www.example.org/phishing", "aspect": "bewustzijn", "kind": "guide"}


async def _member(slug: str, role: str) -> tuple[accounts.CurrentUser, dict[str, str]]:
    organisation = await organisations.organisation_by_slug(slug) or await organisations.create_organisation(
        {"name": slug}, NOW, slug=slug)
    user = await accounts.create_user(f"{role}@{slug}.nl", "organiser", password=PASSWORD, name=role)
    await organisations.add_member(organisation.id, user.id, role, NOW)
    return user, {"Authorization": f"Bearer {await accounts.create_api_token(user.id, label='t')}"}


async def test_the_shared_library_is_the_admins_and_an_own_entry_its_organisations(client, admin):
    admin_auth = {"Authorization": f"Bearer {await accounts.create_api_token(admin.id, label='t')}"}
    _editor, editor_a = await _member("gemeente-a", "editor")
    _viewer, viewer_a = await _member("gemeente-a", "viewer")
    _other, editor_b = await _member("ministerie-b", "editor")

    shared = (await client.post("/api/resources", json=ENTRY, headers=admin_auth)).json()
    assert shared["shared"] is True
    refused = await client.patch(f"/api/resources/{shared['id']}", json={"title": "Anders"}, headers=editor_a)
    assert refused.status_code == 403 and "admins" in refused.json()["detail"]
    assert (await client.delete(f"/api/resources/{shared['id']}", headers=editor_a)).status_code == 403
    assert (await Resource.select(Resource.title, Resource.retired_at).where(Resource.id == shared["id"]).first()) == {
        "title": ENTRY["title"], "retired_at": None}
    assert (await client.patch(f"/api/resources/{shared['id']}", json={"title": "Handreiking"}, headers=admin_auth)).status_code == 200

    own = await client.post("/api/resources", json={**ENTRY, "title": "Eigen lijst"}, headers=editor_a)
    assert own.status_code == 201 and own.json()["shared"] is False
    own_id = own.json()["id"]
    assert (await client.post("/api/resources", json=ENTRY, headers=viewer_a)).status_code == 403
    assert (await client.patch(f"/api/resources/{own_id}", json={"title": "X"}, headers=viewer_a)).status_code == 403
    assert (await client.patch(f"/api/resources/{own_id}", json={"title": "X"}, headers=editor_b)).status_code == 404
    assert (await client.get(f"/api/resources/{own_id}", headers=editor_b)).status_code == 404
    assert (await client.get(f"/api/resources/{own_id}", headers=viewer_a)).status_code == 200
    assert own_id in {r["id"] for r in (await client.get("/api/resources", headers=viewer_a)).json()}
    assert own_id not in {r["id"] for r in (await client.get("/api/resources", headers=editor_b)).json()}
    assert "Eigen lijst" not in (await client.get("/library")).text  # the public library is the shared one
    assert (await client.patch(f"/api/resources/{own_id}", json={"title": "Eigen lijst 2"}, headers=editor_a)).status_code == 200


async def test_viewers_read_their_organisations_entries_in_the_back_office_without_changing_them(app, client):
    editor, editor_a = await _member("gemeente-a", "editor")
    viewer, _ = await _member("gemeente-a", "viewer")
    other, _ = await _member("ministerie-b", "editor")
    own_id = (await client.post("/api/resources", json={**ENTRY, "title": "Eigen lijst"}, headers=editor_a)).json()["id"]
    async with http_client(app) as browser:
        await login(browser, viewer.email)
        page = (await browser.get("/organiser/resources")).text
        assert "Eigen lijst" in page and f"/organiser/resources/{own_id}/edit" not in page and "/retire" not in page
        csrf = await get_csrf(browser, "/organiser/resources")
        retire = await browser.post(f"/organiser/resources/{own_id}/retire", data={"_csrf_token": csrf})
        assert retire.status_code == 403
    async with http_client(app) as browser:
        await login(browser, other.email)
        assert "Eigen lijst" not in (await browser.get("/organiser/resources")).text
        assert (await browser.get(f"/organiser/resources/{own_id}/edit")).status_code == 404
    async with http_client(app) as browser:
        await login(browser, editor.email)
        assert f"/organiser/resources/{own_id}/edit" in (await browser.get("/organiser/resources")).text


async def test_anyone_links_shared_or_own_entries_and_every_change_is_audited(client, admin):
    admin_auth = {"Authorization": f"Bearer {await accounts.create_api_token(admin.id, label='t')}"}
    editor, editor_a = await _member("gemeente-a", "editor")
    other, editor_b = await _member("ministerie-b", "editor")
    event_a = await programme.create_event(event_data(title="Dag A"), editor, NOW, organisation="gemeente-a")
    event_b = await programme.create_event(event_data(title="Dag B"), other, NOW, organisation="ministerie-b")
    shared = (await client.post("/api/resources", json=ENTRY, headers=admin_auth)).json()["id"]
    own = (await client.post("/api/resources", json={**ENTRY, "title": "Eigen"}, headers=editor_a)).json()["id"]

    for resource_id in (shared, own):
        linked = await client.post(f"/api/events/{event_a['slug']}/resources", json={"resource_id": resource_id}, headers=editor_a)
        assert linked.status_code == 201, linked.text
    assert (await client.post(f"/api/events/{event_b['slug']}/resources", json={"resource_id": shared}, headers=editor_b)).status_code == 201
    stolen = await client.post(f"/api/events/{event_b['slug']}/resources", json={"resource_id": own}, headers=editor_b)
    assert stolen.status_code == 404
    assert (await client.patch(f"/api/resources/{own}", json={"summary": "Kort"}, headers=editor_a)).status_code == 200
    assert (await client.delete(f"/api/events/{event_a['slug']}/resources/{own}", headers=editor_a)).status_code == 204
    assert (await client.delete(f"/api/resources/{own}", headers=editor_a)).status_code == 200

    organisation_a = (await organisations.organisation_by_slug("gemeente-a")).id
    trail = await audit.entries(organisation_id=organisation_a, action_prefix="resource.")
    assert [(e.action, e.actor_label) for e in reversed(trail)] == [
        ("resource.create", editor.email), ("resource.link", editor.email), ("resource.link", editor.email),
        ("resource.edit", editor.email), ("resource.unlink", editor.email), ("resource.retire", editor.email),
    ]
    assert {e.event_id for e in trail if e.action.endswith("link")} == {event_a["id"]}
    shared_trail = await audit.entries(action_prefix="resource.create")
    assert any(e.actor_label == admin.email and e.organisation_id is None for e in shared_trail)
