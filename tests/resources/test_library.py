"""The library: filters and search (page and API), hostile URLs refused, organiser-only writes, retiring."""

from __future__ import annotations

import pytest

from events.kernel.errors import RuleViolation
from events.resources import service
from events.resources.tables import EventResource, Resource
from tests.conftest import get_csrf, http_client, login, post_form
from tests.resources.helpers import make_event, make_resource


@pytest.fixture
async def library(engine):
    return {
        "scan": await make_resource("Weerbaarheidsscan", aspect="voorbereiding", kind="scan", tags="scan,zelftest"),
        "phishing": await make_resource("Nep-phishingmail als oefening", aspect="informatiebeveiliging", kind="guide",
                                        summary="Test je collega's met een onschuldige phishingmail.", tags="phishing"),
        "guest": await make_resource("Mystery guest", aspect="fysieke_beveiliging", kind="story",
                                     summary="Een onbekende loopt het gemeentehuis binnen."),
        "english": await make_resource("Insider risk primer", aspect="personele_beveiliging", kind="guide", language="en"),
    }


async def test_library_page_shows_aspects_and_filters(client, library):
    page = await client.get("/library")
    assert page.status_code == 200
    assert "csrf" not in page.headers.get("set-cookie", "")  # a fast public page without forms
    for item in library.values():
        assert item.title in page.text or item.title.replace("'", "&#39;") in page.text
    # every aspect explained in a sentence (Dutch by default)
    assert "Fysieke beveiliging" in page.text and "Bewustzijn" in page.text
    filtered = await client.get("/library", params={"aspect": "informatiebeveiliging"})
    assert "Nep-phishingmail" in filtered.text and "Mystery guest" not in filtered.text
    by_kind = await client.get("/library", params={"kind": "story"})
    assert "Mystery guest" in by_kind.text and "Weerbaarheidsscan" not in by_kind.text
    searched = await client.get("/library", params={"q": "GEMEENTEHUIS"})
    assert "Mystery guest" in searched.text and "Weerbaarheidsscan" not in searched.text
    english = await client.get("/library", params={"language": "en"})
    assert "Insider risk primer" in english.text and 'lang="en"' in english.text and "Mystery guest" not in english.text
    stale = await client.get("/library", params={"aspect": "nonsense", "kind": "<script>"})
    assert stale.status_code == 200 and "<script>" not in stale.text


async def test_api_filters_and_search(client, library):
    everything = (await client.get("/api/resources")).json()
    assert {r["title"] for r in everything} == {r.title for r in library.values()}
    assert "link_health" not in everything[0] and "retired_at" not in everything[0]
    guides = (await client.get("/api/resources", params={"kind": "guide"})).json()
    assert {r["title"] for r in guides} == {"Nep-phishingmail als oefening", "Insider risk primer"}
    both = (await client.get("/api/resources", params={"kind": "guide", "aspect": "informatiebeveiliging"})).json()
    assert [r["title"] for r in both] == ["Nep-phishingmail als oefening"]
    by_tag_word = (await client.get("/api/resources", params={"q": "zelftest"})).json()
    assert [r["title"] for r in by_tag_word] == ["Weerbaarheidsscan"]
    two_words = (await client.get("/api/resources", params={"q": "phishingmail oefening"})).json()
    assert [r["title"] for r in two_words] == ["Nep-phishingmail als oefening"]
    wildcard = (await client.get("/api/resources", params={"q": "%"})).json()
    assert len(wildcard) == 4  # a wildcard is not a search term
    nothing = (await client.get("/api/resources", params={"q": "zzz-niets"})).json()
    assert nothing == []
    bad = await client.get("/api/resources", params={"aspect": "magie"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "aspect"
    one = await client.get(f"/api/resources/{library['scan'].id}")
    assert one.status_code == 200 and one.json()["tags"] == ["scan", "zelftest"]
    assert (await client.get("/api/resources/999999")).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://files.example.nl/a",
        "//www.weerbareoverheid.nl/zonder-schema",
        "/relatief/pad",
        "https://",
        "https://exa mple.nl/",
        "https://host:99999/",
        "vbscript:msgbox",
        "",
    ],
)
async def test_hostile_urls_are_refused_with_the_field_named(client, organiser_token, url):
    response = await client.post(
        "/api/resources",
        json={"title": "Kwaadaardig", "url": url, "aspect": "bewustzijn", "kind": "tool"},
        headers={"authorization": f"Bearer {organiser_token}"},
    )
    assert response.status_code == 400, response.text
    assert "url" in [e["key"] for e in response.json()["extra"]]
    assert await Resource.count() == 0


async def test_api_create_patch_retire(client, organiser_token, organiser):
    auth = {"authorization": f"Bearer {organiser_token}"}
    created = await client.post(
        "/api/resources",
        json={"title": " Lancering  platform ", "url": "https://www.weerbareoverheid.nl/lancering",
              "aspect": "bewustzijn", "kind": "story", "tags": ["Lancering", "platform", "lancering"]},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["title"] == "Lancering platform" and body["tags"] == ["lancering", "platform"]
    assert body["link_health"]["broken"] is False
    rid = body["id"]
    bad_patch = await client.patch(f"/api/resources/{rid}", json={"url": "javascript:void(0)"}, headers=auth)
    assert bad_patch.status_code == 400 and bad_patch.json()["extra"][0]["key"] == "url"
    bad_kind = await client.patch(f"/api/resources/{rid}", json={"kind": "podcast", "aspect": "x"}, headers=auth)
    assert {e["key"] for e in bad_kind.json()["extra"]} == {"kind", "aspect"}
    patched = await client.patch(f"/api/resources/{rid}", json={"summary": "Het platform is live."}, headers=auth)
    assert patched.status_code == 200 and patched.json()["summary"] == "Het platform is live."
    assert patched.json()["title"] == "Lancering platform"  # untouched
    nul = await client.patch(f"/api/resources/{rid}", json={"title": "A\u0000B", "tags": ["x\u0000"]}, headers=auth)
    assert nul.status_code == 400 and {e["key"] for e in nul.json()["extra"]} == {"title", "tags"}
    unknown = await client.patch(f"/api/resources/{rid}", json={"broken": True}, headers=auth)
    assert unknown.status_code == 400
    retired = await client.delete(f"/api/resources/{rid}", headers=auth)
    assert retired.status_code == 200 and retired.json()["retired_at"]
    assert (await client.get(f"/api/resources/{rid}")).status_code == 404  # public: gone
    assert (await client.get("/api/resources")).json() == []
    history = await client.get(f"/api/resources/{rid}", headers=auth)  # organisers still see it
    assert history.status_code == 200 and history.json()["retired_at"]
    assert await Resource.count() == 1  # the row is kept


async def test_organiser_only_routes_refuse_anonymous_and_speakers(client, app, speaker, library):
    rid = library["scan"].id
    # anonymous: API 401, pages to the login page
    for method, path, body in (("POST", "/api/resources", {}), ("PATCH", f"/api/resources/{rid}", {"title": "x"}),
                               ("DELETE", f"/api/resources/{rid}", None), ("POST", "/api/resources/import", [])):
        client.cookies.clear()  # a cookieless API caller
        assert (await client.request(method, path, json=body)).status_code == 401, path
    for path in ("/organiser/resources", "/organiser/resources/new", f"/organiser/resources/{rid}/edit",
                 "/organiser/resources/import"):
        response = await client.get(path)
        assert response.status_code in (302, 303) and response.headers["location"].startswith("/login"), path
    # a speaker is signed in but not an organiser: 403
    from events.accounts import service as accounts
    from events.accounts.tables import User
    await User.update({User.password_hash: accounts.hash_password("correct horse battery")}).where(User.id == speaker.id)
    async with http_client(app) as speaker_client:
        await login(speaker_client, speaker.email)
        assert (await speaker_client.get("/organiser/resources")).status_code == 403
        token = await get_csrf(speaker_client)
        assert (await post_form(speaker_client, f"/organiser/resources/{rid}/retire", {})).status_code == 403
        response = await speaker_client.delete(f"/api/resources/{rid}", headers={"x-csrftoken": token})
        assert response.status_code == 403
    assert (await service.get_resource(rid)).retired_at is None


async def test_editor_create_edit_retire_restore(organiser_client, library, organiser):
    editor = await organiser_client.get("/organiser/resources")
    assert editor.status_code == 200 and "Weerbaarheidsscan" in editor.text
    bad = await post_form(organiser_client, "/organiser/resources",
                          {"title": "", "url": "javascript:alert(1)", "aspect": "bewustzijn", "kind": "tool"})
    assert bad.status_code == 400
    assert 'id="error-summary"' in bad.text and 'aria-describedby="hint-url error-url"' in bad.text
    assert "javascript:alert(1)" in bad.text  # the value comes back for correcting (escaped in an attribute)
    assert await Resource.count() == len(library)
    good = await post_form(organiser_client, "/organiser/resources",
                           {"title": "Weerbaarheidsfestival", "url": "https://www.weerbareoverheid.nl/festival",
                            "aspect": "bewustzijn", "kind": "story", "language": "nl", "tags": "festival, bewustzijn"})
    assert good.status_code == 303
    row = await Resource.select().where(Resource.title == "Weerbaarheidsfestival").first()
    assert row["tags"] == "festival,bewustzijn" and row["created_by"] == organiser.id
    edit = await organiser_client.get(f"/organiser/resources/{row['id']}/edit")
    assert edit.status_code == 200 and "festival, bewustzijn" in edit.text
    saved = await post_form(organiser_client, f"/organiser/resources/{row['id']}",
                            {"title": "Het weerbaarheidsfestival", "url": row["url"], "aspect": "bewustzijn",
                             "kind": "recording", "language": "nl", "tags": ""})
    assert saved.status_code == 303
    assert (await service.get_resource(row["id"])).kind == "recording"
    retired = await post_form(organiser_client, f"/organiser/resources/{row['id']}/retire", {})
    assert retired.status_code == 303
    assert "Het weerbaarheidsfestival" not in (await organiser_client.get("/library")).text
    shown = await organiser_client.get("/organiser/resources", params={"show": "retired"})
    assert "Het weerbaarheidsfestival" in shown.text and "Weerbaarheidsscan" not in shown.text
    await post_form(organiser_client, f"/organiser/resources/{row['id']}/restore", {})
    assert "Het weerbaarheidsfestival" in (await organiser_client.get("/organiser/resources")).text
    # An organiser's entry is kept by their organisation (their own, made for them): not in the shared library.
    assert row["organisation"] is not None and "Het weerbaarheidsfestival" not in (await organiser_client.get("/library")).text


async def test_editor_shows_broken_links_and_filters_them(organiser_client, library):
    await Resource.update({Resource.broken: True, Resource.last_error: "HTTP 404", Resource.last_status: 404}).where(
        Resource.id == library["guest"].id
    )
    editor = await organiser_client.get("/organiser/resources")
    assert "Kapotte links: 1." in editor.text
    broken = await organiser_client.get("/organiser/resources", params={"show": "broken"})
    assert "Mystery guest" in broken.text and "HTTP 404" in broken.text and "Weerbaarheidsscan" not in broken.text
    api = await organiser_client.get("/api/resources", params={"broken": "true"})
    assert [r["title"] for r in api.json()] == ["Mystery guest"]
    assert api.json()[0]["link_health"]["status"] == 404


async def test_retiring_keeps_links_for_history(client, organiser, library, engine):
    event = await make_event(organiser)
    await service.attach_to_event(event["id"], library["scan"].id, engine)
    await service.retire_resource(library["scan"].id, library["scan"].created_at)
    assert await EventResource.count() == 1
    assert await service.resources_of_event(event["id"]) == []
    history = await service.resources_of_event(event["id"], include_retired=True)
    assert [r.title for r in history] == ["Weerbaarheidsscan"]
    with pytest.raises(RuleViolation):  # a retired resource cannot be newly linked
        await service.attach_to_event(event["id"], library["scan"].id, engine)


async def test_learn_more_link_for_quiz_questions(library, clock):
    assert await service.learn_more(library["scan"].id) == {
        "url": "https://www.weerbareoverheid.nl/weerbaarheidsscan", "title": "Weerbaarheidsscan"}
    choices = dict(await service.resource_choices())
    assert choices[library["scan"].id] == "Weerbaarheidsscan (voorbereiding)"
    await service.retire_resource(library["scan"].id, clock.now())
    assert await service.learn_more(library["scan"].id) is None and await service.learn_more(None) is None
    assert library["scan"].id not in dict(await service.resource_choices())
    assert library["scan"].id in dict(await service.resource_choices(include=[library["scan"].id]))
