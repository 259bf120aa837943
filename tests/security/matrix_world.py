"""The world of the authorisation matrix: two organisations with three members each, and one object of every kind
in organisation A (event, session, speaker and their material, registration, question, quiz with a question, run
and player, resource, team member, invitation, API token)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from piccolo.conf.apps import Finder

from events.accounts import service as accounts
from events.organisations import service as organisations
from tests.conftest import NOW, PASSWORD, login

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MARKER = "Eigenaarsgeheim-7f3a"  # in organisation A's event title: must not show up for anyone outside A
ORG_A, ORG_B = "gemeente-eigen", "ministerie-ander"
ROLES = ("owner", "editor", "viewer")
MEMBERS_A = tuple(f"{role}_a" for role in ROLES)
MEMBERS_B = tuple(f"{role}_b" for role in ROLES)


@dataclass
class Actor:
    name: str
    client: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    values: dict[str, Any]
    actors: dict[str, Actor]
    openapi: dict


async def _csrf(client: httpx.AsyncClient) -> str:
    await client.get("/login")
    return client.cookies.get("events_csrf") or ""


async def _signed_in_by_link(client: httpx.AsyncClient, user_id: int) -> None:
    token = await accounts.create_personal_link(user_id, NOW)
    response = await client.get(f"/p/{token}")
    assert response.status_code in (302, 303), response.text


def ok(response: httpx.Response) -> dict:
    assert response.status_code < 300, f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:500]}"
    return response.json() if response.content else {}


async def database_digest() -> dict[str, str]:
    """A digest of every row of each table: refused requests must leave them as they were (compare two digests
    with `changed_tables`)."""
    digests: dict[str, str] = {}
    for table in sorted(Finder().get_table_classes(), key=lambda t: t._meta.tablename):
        rows = await table.select().order_by(table._meta.primary_key)
        digests[table._meta.tablename] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


async def _teams(values: dict[str, Any]) -> dict[str, Any]:
    """Both organisations and their members; A also has a colleague and an open invitation to act on."""
    users: dict[str, Any] = {}
    for slug, name, members in ((ORG_A, "Gemeente Eigen", MEMBERS_A), (ORG_B, "Ministerie Ander", MEMBERS_B)):
        organisation = await organisations.create_organisation({"name": name}, NOW, slug=slug)
        for member in members:
            user = await accounts.create_user(f"{member.replace('_', '.')}@{slug}.nl", "organiser", password=PASSWORD, name=member)
            await organisations.add_member(organisation.id, user.id, member.split("_")[0], NOW)
            users[member] = user
        if slug == ORG_A:
            colleague = await accounts.create_user("collega@gemeente-eigen.nl", "organiser", password=PASSWORD)
            values["member_id"] = (await organisations.add_member(organisation.id, colleague.id, "editor", NOW)).id
            values["invitation_id"] = (await organisations.invite(
                organisation, "nieuw@gemeente-eigen.nl", "viewer", users["owner_a"], NOW, "http://testserver.local", "nl"
            )).id
    values["/organisations/:slug"] = ORG_A
    return users


async def _programme(api: httpx.AsyncClient, values: dict[str, Any]) -> dict[str, Any]:
    start = NOW + timedelta(days=30)
    event = ok(await api.post("/api/events", json={
        "title": f"Webinar {MARKER}", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "kind": "webinar", "format": "online", "join_url": "https://meet.example.org/geheim", "organisation": ORG_A,
    }))
    slug = event["slug"]
    event = ok(await api.get(f"/api/organiser/events/{slug}"))
    session = ok(await api.post(f"/api/events/{slug}/sessions", json={
        "title": "Opening", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
    }))
    ok(await api.post(f"/api/events/{slug}/sessions/{session['id']}/speakers", json={
        "email": "spreker-a@universiteit.nl", "name": "Spreker A",
    }))  # answers only where the mail went
    speaker = {"id": (await accounts.user_by_email("spreker-a@universiteit.nl")).id}
    ok(await api.post(f"/api/events/{slug}/publish"))
    values.update(slug=slug, session_id=session["id"], speaker_id=speaker["id"])
    return event


async def _quiz(app, event: dict[str, Any], owner, values: dict[str, Any]) -> None:
    from events.quiz import service as quiz  # noqa: PLC0415 - the world needs the app's tables bound first
    from events.quiz.service import QuestionInput  # noqa: PLC0415 - as above

    quiz_id = await quiz.create_quiz(event["id"], "Kennisquiz")
    quiz_row, _ = await quiz.quiz_for_organiser(quiz_id, owner)
    quiz_question = await quiz.save_question(app.state.engine, quiz_row, QuestionInput(
        text="Wat is weerbaarheid?", kind="single", options=[("Veerkracht", True), ("Kwetsbaarheid", False)],
    ))
    run = await quiz.open_run(quiz_id, owner.id, NOW)
    player = await quiz.join_run(run.join_code, "Speler", NOW)
    values.update({"quiz_id": quiz_id, "run_id": run.id, "player_id": player.player_id, "/quizzes/:question_id": quiz_question})


async def _live(event: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A live space of A's session with a question and a poll. Its keys go first: "/questions/:action" would
    otherwise name the live moderation action too ("int}/questions/…" is only in the live route's path)."""
    from events.live import service as live  # noqa: PLC0415 - the world needs the app's tables bound first

    space = await live.set_open((await live.create_space(event, values["session_id"]))["id"], True)
    _token, participant = await live.join(space, None)
    return {
        "space_id": space["id"], "poll_id": (await live.create_poll(space, "words", "Woord?", None))["id"],
        "/live/spaces/:question_id": (await live.ask(space, participant, "Vraag?", None))["id"],
        "int}/questions/{question_id:action": "pin", "/polls/{poll_id:action": "open",
        "/live/spaces/{space_id:action": "open", "/organiser/live/:action": "open", **values,
    }


async def _connections(app, event: dict[str, Any], owner, values: dict[str, Any]) -> None:
    """A's webhook with one delivery, and a previewed participant import of A's event."""
    from events.imports import service as imports  # noqa: PLC0415 - the world needs the app's tables bound first
    from events.webhooks import service as webhooks  # noqa: PLC0415 - as above

    organisation = await organisations.organisation_by_slug(ORG_A)
    endpoint, _secret = await webhooks.create_endpoint(
        organisation.id, "https://hooks.example.org/in", ["registration.created"], "", actor=owner, now=NOW,
        secret_key=app.state.settings.secret_key,
    )
    values["webhook_id"] = endpoint.id
    await webhooks.queue_ping(endpoint.id, organisation.id, NOW)
    values["delivery_id"] = (await webhooks.deliveries_of(endpoint.id))[0][0].id
    from events.programme import service as programme  # noqa: PLC0415 - as above

    values["import_id"] = (await imports.preview(
        await programme.event_for_organiser(event["slug"], owner), "lijst.csv", b"Naam;E-mail\nX;x@gemeente.nl\n", False, owner, NOW
    )).id


async def build_world(app, stack) -> World:
    from events.registration import service as registration  # noqa: PLC0415 - the world needs the app's tables bound first

    await stack.enter_async_context(LifespanManager(app))

    async def new_client() -> httpx.AsyncClient:
        # One lifespan for the app, one client (cookie jar) per person.
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")
        return await stack.enter_async_context(client)

    values: dict[str, Any] = {
        "action": "publish", "/registrations/:action": "check-in", "/questions/:action": "up", "/quiz/runs/:action": "next",
    }
    users = await _teams(values)
    owner = users["owner_a"]
    api = await new_client()
    api.headers["Authorization"] = f"Bearer {await accounts.create_api_token(owner.id, label='matrix')}"
    values["token_id"] = (await accounts.list_api_tokens(owner.id))[0].id
    event = await _programme(api, values)
    other_speaker, _ = await accounts.get_or_create_speaker("spreker-b@hogeschool.nl", "Spreker B")

    anonymous = await new_client()
    registered = ok(await anonymous.post(f"/api/events/{values['slug']}/registrations", json={
        "name": "Deelnemer", "email": "deelnemer@gemeente.nl", "organisation": "Gemeente Utrecht",
    }))
    values["registration_id"] = registered["id"]
    values["question_id"] = await registration.add_question(event["id"], "Dieetwensen", "text")
    values["question_key"] = "overall"  # the evaluation's default first question (named by its key)
    await _quiz(app, event, owner, values)
    await _connections(app, event, owner, values)
    # A's series with A's event in it (the series' routes name both).
    ok(await api.post("/api/series", json={"name": f"Reeks {MARKER}", "organisation": ORG_A}))
    values["series_slug"] = ok(await api.get("/api/series"))[0]["slug"]
    ok(await api.post(f"/api/series/{values['series_slug']}/events", json={"event": values["slug"]}))
    values["event_slug"] = values["slug"]
    values = await _live(event, values)

    # Speaker A uploads a PDF to their session, so material routes have a target.
    speaker_a = await new_client()
    await _signed_in_by_link(speaker_a, values["speaker_id"])
    csrf = await _csrf(speaker_a)
    values["material_id"] = ok(await speaker_a.post(
        f"/api/sessions/{values['session_id']}/materials", headers={"x-csrftoken": csrf},
        files={"file": ("slides.pdf", MINIMAL_PDF, "application/pdf")}, data={"title": "Slides"},
    ))["id"]
    values["resource_id"] = ok(await api.post("/api/resources", json={
        "title": "Handreiking", "url": "https://www.example.org/handreiking", "aspect": "bewustzijn", "kind": "guide",
        "organisation": ORG_A,  # A's own entry: its editors change it, its viewers read it, others find nothing
    }))["id"]

    actors: dict[str, Actor] = {"speaker_a": Actor("speaker of A", speaker_a, {"x-csrftoken": csrf})}
    for member, user in users.items():
        client = await new_client()
        await login(client, user.email)
        actors[member] = Actor(member, client, {"x-csrftoken": await _csrf(client)})
    actors["anonymous"] = Actor("anonymous", anonymous, {"x-csrftoken": await _csrf(anonymous)})
    # A participant holds no account, only the secret of their registration's manage link; it opens nothing here.
    participant = await new_client()
    await participant.get(registered["manage_url"].replace("http://testserver.local", ""))
    actors["participant"] = Actor(
        "participant-token holder", participant,
        {"x-csrftoken": await _csrf(participant), "Authorization": f"Bearer {registered['token']}"},
    )
    speaker_b = await new_client()
    await _signed_in_by_link(speaker_b, other_speaker.id)
    actors["speaker_b"] = Actor("speaker of nobody here", speaker_b, {"x-csrftoken": await _csrf(speaker_b)})
    admin = await accounts.create_user("beheer@platform.nl", "admin", password=PASSWORD, name="Beheer")
    admin_client = await new_client()
    await login(admin_client, admin.email)
    actors["admin"] = Actor("platform admin", admin_client, {"x-csrftoken": await _csrf(admin_client)})
    openapi = ok(await anonymous.get("/schema/openapi.json"))
    return World(values, actors, openapi)
