"""The authorisation matrix: every guarded route, requested by everyone who is not its owner.

Routes are read from the app itself, and path parameters are filled from one owner's world (organiser A's event,
session, speaker A, speaker A's material, …). So a new guarded route is covered the day it is added, and a route
with a path parameter this file cannot fill fails until PATH_VALUES learns it. A second test fails when a
state-changing route under /api, /organiser or /speaker has no guard and is not one of the documented public doors.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from events.accounts import service as accounts
from events.app import create_app
from events.kernel.settings import Settings, parse_database_url
from events.web.auth import admin_guard, organiser_guard, signed_in_guard, speaker_guard
from tests.conftest import NOW, PASSWORD, login

GUARDS = {organiser_guard: "organiser", admin_guard: "admin", speaker_guard: "speaker", signed_in_guard: "signed_in"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Doors anyone may use without an account (DESIGN.md: registration, cancellation, quiz join and answers), plus
# the sign-in form itself. Everything else that changes state under these prefixes needs a guard.
PUBLIC_MUTATIONS = [
    re.compile(p)
    for p in (
        r"^/api/events/\{slug:str\}/registrations$",
        r"^/api/registrations/\{token:str\}(/cancel)?$",
        r"^/api/quiz/join$",
        r"^/api/quiz/.*/(join|answers?)$",
        r"^/api/quiz/players/.*",
        r"^/api/live/\{code:str\}/.*",  # a live space's participants (their token, no account)
    )
]
GUARDED_PREFIXES = ("/api/", "/organiser", "/speaker/", "/admin")
# Path parameters that name something with an owner. A route without any (its own list, a "new" form) is the
# signed-in user's own space: other organisers may open theirs, but must not see the owner's data there.
# resource_id is not among them: the resource library is shared by all organisers.
OWNED = {"slug", "token_id", "session_id", "speaker_id", "material_id", "registration_id", "quiz_id", "question_id", "run_id",
         "player_id", "version_id", "option_id", "member_id", "invitation_id", "space_id", "poll_id",
         "webhook_id", "delivery_id", "import_id"}
REFUSED = {401, 403, 404}
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MARKER = "Eigenaarsgeheim-7f3a"  # in the owner's event title: must not show up for anyone else


def _app_for_listing():
    folder = Path(tempfile.mkdtemp(prefix="events-routes-"))
    settings = Settings(database=parse_database_url(f"sqlite:///{folder}/x.db"), data_dir=folder, secret_key="k" * 40)
    return create_app(settings)


def _guard_kinds(handler) -> set[str]:
    kinds = set()
    for guard in handler.resolve_guards() or ():
        function = getattr(guard, "func", guard)
        function = getattr(function, "ref", {}).value if hasattr(getattr(function, "ref", None), "value") else function
        kinds.add(GUARDS.get(function, getattr(function, "__name__", repr(function))))
    return kinds


@dataclass(frozen=True)
class RouteCase:
    method: str
    path: str
    guards: frozenset[str]
    params: tuple[str, ...]
    body: str  # json | form | multipart | none

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _body_kind(handler, method: str, path: str) -> str:
    if method not in UNSAFE or method == "DELETE":
        return "none"
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is not None:
        media = getattr(getattr(data, "kwarg_definition", None), "media_type", None)
        media = getattr(media, "value", media) or "application/json"
        if "multipart" in media:
            return "multipart"
        if "urlencoded" in media:
            return "form"
        return "json"
    # Handlers that stream their own body (uploads) read multipart from the request.
    if re.search(r"materials|versions", path) and not path.endswith(("remove", "settings", "deadline")):
        return "multipart"
    return "form" if not path.startswith("/api/") else "json"


def route_cases() -> list[RouteCase]:
    app = _app_for_listing()
    cases = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            kinds = _guard_kinds(handler)
            if not kinds:
                continue
            for method in sorted(handler.http_methods or ()):
                if method in ("HEAD", "OPTIONS"):
                    continue
                params = tuple(re.findall(r"\{(\w+):", route.path))
                cases.append(RouteCase(method, route.path, frozenset(kinds), params, _body_kind(handler, method, route.path)))
    return cases


def unguarded_mutations() -> list[str]:
    app = _app_for_listing()
    found = []
    for route in app.routes:
        if not (route.path.startswith(GUARDED_PREFIXES) or route.path == "/speaker"):
            continue
        for handler in getattr(route, "route_handlers", []):
            methods = set(handler.http_methods or ()) - {"HEAD", "OPTIONS"}
            if not methods:
                continue
            needs_guard = bool(methods & UNSAFE) or not route.path.startswith("/api/")
            if needs_guard and not _guard_kinds(handler) and not any(p.match(route.path) for p in PUBLIC_MUTATIONS):
                found.append(f"{sorted(methods)} {route.path}")
    return found


CASES = route_cases()


# --- the owner's world -------------------------------------------------------------------------------------------


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


def _ok(response: httpx.Response) -> dict:
    assert response.status_code < 300, f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:500]}"
    return response.json() if response.content else {}


async def build_world(app, stack) -> World:
    from events.quiz import service as quiz
    from events.quiz.service import QuestionInput
    from events.registration import service as registration

    await stack.enter_async_context(LifespanManager(app))

    async def new_client() -> httpx.AsyncClient:
        # One lifespan for the app, one client (cookie jar) per person.
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")
        return await stack.enter_async_context(client)

    owner = await accounts.create_user("eigenaar@gemeente.nl", "organiser", password=PASSWORD, name="Eigenaar")
    other = await accounts.create_user("ander@ministerie.nl", "organiser", password=PASSWORD, name="Ander")
    token = await accounts.create_api_token(owner.id, label="matrix")
    api = await new_client()
    api.headers["Authorization"] = f"Bearer {token}"

    start = NOW + timedelta(days=30)
    event = _ok(await api.post("/api/events", json={
        "title": f"Webinar {MARKER}", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "kind": "webinar", "format": "online", "join_url": "https://meet.example.org/geheim",
    }))
    slug = event["slug"]
    event = _ok(await api.get(f"/api/organiser/events/{slug}"))
    session = _ok(await api.post(f"/api/events/{slug}/sessions", json={
        "title": "Opening", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
    }))
    _ok(await api.post(f"/api/events/{slug}/sessions/{session['id']}/speakers", json={
        "email": "spreker-a@universiteit.nl", "name": "Spreker A",
    }))  # answers only where the mail went
    speaker = {"id": (await accounts.user_by_email("spreker-a@universiteit.nl")).id}
    _ok(await api.post(f"/api/events/{slug}/publish"))
    other_speaker, _ = await accounts.get_or_create_speaker("spreker-b@hogeschool.nl", "Spreker B")

    anonymous = await new_client()
    registered = _ok(await anonymous.post(f"/api/events/{slug}/registrations", json={
        "name": "Deelnemer", "email": "deelnemer@gemeente.nl", "organisation": "Gemeente Utrecht",
    }))
    registration_question = await registration.add_question(event["id"], "Dieetwensen", "text")

    quiz_id = await quiz.create_quiz(event["id"], "Kennisquiz")
    quiz_row, _ = await quiz.quiz_for_organiser(quiz_id, owner)
    quiz_question = await quiz.save_question(app.state.engine, quiz_row, QuestionInput(
        text="Wat is weerbaarheid?", kind="single", options=[("Veerkracht", True), ("Kwetsbaarheid", False)],
    ))
    run = await quiz.open_run(quiz_id, owner.id, NOW)
    player = await quiz.join_run(run.join_code, "Speler", NOW)

    values: dict[str, Any] = {
        "slug": slug, "session_id": session["id"], "speaker_id": speaker["id"],
        "token_id": (await accounts.list_api_tokens(owner.id))[0].id,
        "registration_id": registered["id"], "quiz_id": quiz_id, "run_id": run.id, "player_id": player.player_id,
        "question_id": registration_question, "/quizzes/:question_id": quiz_question,
        "action": "publish", "/registrations/:action": "check-in", "/questions/:action": "up", "/quiz/runs/:action": "next",
    }

    # A live space of the owner's session, with a question and a poll. Its keys go first: "/questions/:action"
    # would otherwise name the live moderation action too ("int}/questions/…" is only in the live route's path).
    from events.live import service as live

    live_space = await live.set_open((await live.create_space(event, session["id"]))["id"], True)
    _token, live_participant = await live.join(live_space, None)
    values = {
        "space_id": live_space["id"], "poll_id": (await live.create_poll(live_space, "words", "Woord?", None))["id"],
        "/live/spaces/:question_id": (await live.ask(live_space, live_participant, "Vraag?", None))["id"],
        "int}/questions/{question_id:action": "pin", "/polls/{poll_id:action": "open",
        "/live/spaces/{space_id:action": "open", "/organiser/live/:action": "open", **values,
    }

    # The owner's organisation, with a colleague and an open invitation (the team routes' targets).
    from events.organisations import service as organisations

    organisation = await organisations.create_organisation({"name": "Gemeente Eigen"}, NOW, slug="gemeente-eigen")
    await organisations.add_member(organisation.id, owner.id, "owner", NOW)
    colleague = await accounts.create_user("collega@gemeente.nl", "organiser", password=PASSWORD)
    values["member_id"] = (await organisations.add_member(organisation.id, colleague.id, "editor", NOW)).id
    values["invitation_id"] = (await organisations.invite(
        organisation, "nieuw@gemeente.nl", "viewer", owner, NOW, "http://testserver.local", "nl"
    )).id
    values["/organisations/:slug"] = organisation.slug
    from events.webhooks import service as webhooks  # the organisation's webhook and one delivery of it

    endpoint, _secret = await webhooks.create_endpoint(
        organisation.id, "https://hooks.example.org/in", ["registration.created"], "", actor=owner, now=NOW,
        secret_key=app.state.settings.secret_key,
    )
    values["webhook_id"] = endpoint.id
    await webhooks.queue_ping(endpoint.id, organisation.id, NOW)
    values["delivery_id"] = (await webhooks.deliveries_of(endpoint.id))[0][0].id
    from events.imports import service as imports  # a previewed participant import of the owner's event
    from events.programme import service as programme

    values["import_id"] = (await imports.preview(
        await programme.event_for_organiser(slug, owner), "lijst.csv", b"Naam;E-mail\nX;x@gemeente.nl\n", False, owner, NOW
    )).id

    # Speaker A uploads a PDF to their session, so material routes have a target.
    owner_speaker = await new_client()
    await _signed_in_by_link(owner_speaker, speaker["id"])
    csrf = await _csrf(owner_speaker)
    values["material_id"] = _ok(await owner_speaker.post(
        f"/api/sessions/{session['id']}/materials", headers={"x-csrftoken": csrf},
        files={"file": ("slides.pdf", MINIMAL_PDF, "application/pdf")}, data={"title": "Slides"},
    ))["id"]
    values["resource_id"] = _ok(await api.post("/api/resources", json={
        "title": "Handreiking", "url": "https://www.example.org/handreiking", "aspect": "bewustzijn", "kind": "guide",
    }))["id"]

    actors: dict[str, Actor] = {}
    owner_client = await new_client()
    await login(owner_client, owner.email)
    actors["owner_organiser"] = Actor("owner organiser", owner_client, {"x-csrftoken": await _csrf(owner_client)})
    actors["owner_speaker"] = Actor("owner speaker", owner_speaker, {"x-csrftoken": csrf})
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
    actors["other_speaker"] = Actor("other speaker", speaker_b, {"x-csrftoken": await _csrf(speaker_b)})
    organiser_b = await new_client()
    await login(organiser_b, other.email)
    actors["other_organiser"] = Actor("other organiser", organiser_b, {"x-csrftoken": await _csrf(organiser_b)})
    admin = await accounts.create_user("beheer@platform.nl", "admin", password=PASSWORD, name="Beheer")
    admin_client = await new_client()
    await login(admin_client, admin.email)
    actors["admin"] = Actor("platform admin", admin_client, {"x-csrftoken": await _csrf(admin_client)})
    openapi = _ok(await anonymous.get("/schema/openapi.json"))
    return World(values, actors, openapi)


def value_for(name: str, path: str, values: dict[str, Any]) -> Any:
    """A path-specific value ("/quizzes/:question_id") wins over the general one ("question_id")."""
    for key, value in values.items():
        if key.endswith(f":{name}") and key.split(":")[0] in path:
            return value
    if name not in values:
        raise KeyError(name)
    return values[name]


def concrete_path(case: RouteCase, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(value_for(m.group(1), case.path, values)), case.path)


def example(schema: dict, components: dict, depth: int = 0) -> Any:
    """A small valid instance of a JSON schema, so refusals come from ownership checks, not from validation."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return example(options[0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {name: example(sub, components, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in required and depth < 6}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if kind == "string":
        return {"date-time": (NOW + timedelta(days=40)).isoformat(), "email": "iemand@gemeente.nl",
                "uri": "https://www.example.org/"}.get(schema.get("format", ""), "Voorbeeld")
    return None


def json_body(case: RouteCase, openapi: dict) -> Any:
    operation = openapi["paths"].get(re.sub(r"\{(\w+):\w+\}", r"{\1}", case.path), {}).get(case.method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return example(schema, openapi.get("components", {}).get("schemas", {})) if schema else {}


async def send(actor: Actor, case: RouteCase, path: str, openapi: dict) -> httpx.Response:
    kwargs: dict[str, Any] = {"headers": dict(actor.headers)}
    if case.body == "json":
        kwargs["json"] = json_body(case, openapi)
    elif case.body == "form":
        kwargs["data"] = {"_csrf_token": actor.headers.get("x-csrftoken", ""), **FORM_FIELDS.get(case.path, {})}
    elif case.body == "multipart":
        kwargs["files"] = {"file": ("slides.pdf", MINIMAL_PDF, "application/pdf")}
        kwargs["data"] = {"title": "Nieuw"}
    return await actor.client.request(case.method, path, **kwargs)


# Forms that need a field to name their target (the switcher names the organisation to work in).
FORM_FIELDS = {"/organiser/organisations/current": {"organisation": "gemeente-eigen"}}


def refused(response: httpx.Response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code in (302, 303) and response.headers.get("location", "").startswith("/login")


def owners_of(case: RouteCase) -> list[str]:
    if case.guards == {"admin"}:
        return ["admin"]  # the platform's own pages (organisations): the admin is their owner
    if case.guards & {"organiser", "admin"}:
        return ["owner_organiser"]
    # Speaker routes: the speaker, or the organiser who acts for them (some actions are the organiser's alone).
    return ["owner_speaker", "owner_organiser"]


# Deleting a parent removes its children: the owner's destructive requests run children first.
PARENT_LEVEL = {"session_id": 1, "quiz_id": 1, "run_id": 2, "slug": 3}


def level(case: RouteCase) -> int:
    names = [name for name in case.params if name != "action"]
    return PARENT_LEVEL.get(names[-1], 0) if names else 0


def destructive(case: RouteCase) -> bool:
    if case.method == "GET":
        return False
    return case.method == "DELETE" or bool(re.search(r"delete|remove|revoke|cancel|retire|unpublish|/\{action", case.path))


async def test_only_the_owner_gets_through(app, engine):
    """Every guarded route × anonymous, participant-token holder, other speaker, other organiser: refused; the
    owner gets through. Refused requests change nothing, so one world serves all routes; the owner's own
    destructive requests run last."""
    import contextlib

    problems: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        world = await build_world(app, stack)
        ready = []
        for case in CASES:
            try:
                ready.append((case, concrete_path(case, world.values)))
            except KeyError as exc:
                problems.append(f"{case.id}: the matrix cannot fill path parameter {exc}; teach build_world")
        for case, path in ready:
            owns_something = bool(set(case.params) & OWNED)
            outsiders = ["anonymous", "participant"]
            if case.guards & {"organiser", "admin"} or owns_something:
                outsiders.append("other_speaker")
            if owns_something:
                outsiders.append("other_organiser")
            for name in outsiders:
                actor = world.actors[name]
                response = await send(actor, case, path, world.openapi)
                if not refused(response):
                    problems.append(f"{case.id} as {actor.name}: {response.status_code} {response.text[:200]!r}")
                elif MARKER in response.text:
                    problems.append(f"{case.id} as {actor.name}: refused, but the page shows the owner's event")
            if not owns_something:
                # Their own space: other signed-in users get their own page, never the owner's data.
                for name in ("other_organiser", "other_speaker"):
                    if name not in outsiders and case.method == "GET":
                        response = await send(world.actors[name], case, path, world.openapi)
                        if response.status_code >= 500 or MARKER in response.text:
                            problems.append(f"{case.id} as {name}: {response.status_code}, shows the owner's data?")
        gone: set[tuple[str, str]] = set()  # what the owner's own destructive requests removed
        for case, path in sorted(ready, key=lambda item: (destructive(item[0]), level(item[0]), -len(item[0].path))):
            answers = []
            targets = {(name, str(value_for(name, case.path, world.values))) for name in case.params}
            for owner in owners_of(case):
                response = await send(world.actors[owner], case, path, world.openapi)
                answers.append(f"{owner}: {response.status_code} {response.text[:160]!r}")
                if response.status_code < 500 and not refused(response):
                    if destructive(case) and case.params:
                        last = case.params[-1] if case.params[-1] != "action" else case.params[-2]
                        gone.add((last, str(value_for(last, case.path, world.values))))
                    break
                if response.status_code == 404 and targets & gone:
                    break  # removed a moment ago by the owner's own delete
            else:
                problems.append(f"{case.id}: the owner did not get through ({'; '.join(answers)})")
    assert not problems, f"{len(problems)} problem(s) in the authorisation matrix:\n" + "\n".join(problems)


def test_every_state_change_outside_the_public_doors_is_guarded():
    assert not unguarded_mutations(), (
        "routes that change state (or organiser/speaker pages) without a guard; add guards=[…] or, if it is a "
        "public door by design, document it in PUBLIC_MUTATIONS:\n" + "\n".join(unguarded_mutations())
    )


def test_the_matrix_sees_the_guarded_routes():
    """Guard detection works: the known organiser routes are in the matrix (the test above cannot pass vacuously)."""
    ids = {case.id for case in CASES}
    assert "POST /api/tokens" in ids and "GET /organiser/tokens" in ids
    assert all(case.guards for case in CASES)
