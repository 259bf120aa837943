"""The two-organisation authorisation matrix: every guarded route (HTML, API; the host socket in its own test) ×
everyone.

Routes are read from the app itself, and path parameters are filled from organisation A's world (tests/security/
matrix_world.py: A's event, session, speaker, material, registration, question, quiz, run, resource, member,
invitation). For each route the table `needed_role` says which role in A it takes (viewer reads, editor changes,
owner runs the team and settings). Then:
- A's owner, editor and viewer get through when their role includes the needed one, 403 when it is too weak;
- each role of organisation B, and the platform admin, gets 404 for A's objects (as for a missing one);
- anonymous gets 401 (API) or the way to the sign-in page (HTML); a speaker of nobody here 403 or 404;
- every refused request leaves every row of every table as it was.
So a new guarded route is covered the day it is added, a route that forgets its role check fails, and a route with
a path parameter this file cannot fill fails until the world learns it. A second test fails when a state-changing
route under /api, /organiser or /speaker has no guard and is not one of the documented public doors.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from events.app import create_app
from events.kernel.settings import Settings, parse_database_url
from events.web.auth import admin_guard, organiser_guard, signed_in_guard, speaker_guard
from tests.conftest import NOW
from tests.programme.helpers import event_data
from tests.security.matrix_world import (
    MARKER,
    MEMBERS_A,
    MEMBERS_B,
    MINIMAL_PDF,
    ORG_A,
    Actor,
    build_world,
    changed_tables,
    database_digest,
)

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
        r"^/api/series/unsubscribe/\{token:str\}$",  # a mail client's one-click unsubscribe (RFC 8058)
    )
]
GUARDED_PREFIXES = ("/api/", "/organiser", "/speaker/", "/admin")
# Path parameters that name something with an owner. A route without any (its own list, a "new" form) is the
# signed-in user's own space: other organisers may open theirs, but must not see the owner's data there.
# resource_id is among them: the world's resource is organisation A's own entry (the shared library is admins').
OWNED = {"slug", "resource_id", "token_id", "session_id", "speaker_id", "material_id", "registration_id", "quiz_id", "question_id", "run_id",
         "player_id", "version_id", "option_id", "member_id", "invitation_id", "space_id", "poll_id",
         "webhook_id", "delivery_id", "import_id", "series_slug", "event_slug", "question_key"}
REFUSED = {401, 403, 404}


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


# Forms that need a field to name their target (the switcher names the organisation to work in).
FORM_FIELDS = {"/organiser/organisations/current": {"organisation": ORG_A}}

# --- who may do what ----------------------------------------------------------------------------------------------

OWNER_ONLY = [re.compile(p) for p in (
    r"^(POST|GET) /organiser/organisations/\{slug:str\}/settings$",
    r"^POST /organiser/organisations/\{slug:str\}/(team|invitations)/",
    r"^PATCH /api/organisations/\{slug:str\}$",
    r"^(PUT|DELETE) /api/organisations/\{slug:str\}/logo$",  # the theme is the organisation's settings
    r"^(POST|PATCH|DELETE) /api/organisations/\{slug:str\}/(members|invitations)",
    r"^GET /api/organisations/\{slug:str\}/invitations$",
    # webhooks and embedding hosts are the organisation's settings
    r"^(POST|GET|PATCH|PUT|DELETE) /organiser/organisations/\{slug:str\}/(webhooks|embed)",
    r"^(POST|GET|PATCH|PUT|DELETE) /api/organisations/\{slug:str\}/(webhooks|embed)",
)]
# Pages that only serve a change (edit forms, confirmations, the check-in scanner, the quiz host screen).
EDITOR_PAGES = re.compile(
    r"/(edit|delete|duplicate|scan|profile|host|screen|qr\.svg|audit|reminders|reminders/preview)$|^/organiser/live/\{space_id:int\}$|/status/\{action:str\}$|/quizzes/\{quiz_id:int\}/questions/\{question_id:int\}$"
)


def needed_role(case: RouteCase) -> str:
    """The role in the owning organisation this route takes: `viewer` reads, `editor` changes, `owner` the team."""
    if any(p.match(case.id) for p in OWNER_ONLY):
        return "owner"
    if case.method != "GET" or EDITOR_PAGES.search(case.path):
        return "editor"
    return "viewer"


def kind_of(case: RouteCase) -> str:
    if case.guards == {"admin"}:
        return "platform"  # the platform's own pages (organisations): the admin is their owner
    if "token_id" in case.params:
        return "personal"  # an API token belongs to one person, whatever their organisations
    if not set(case.params) & OWNED:
        return "own_space"  # lists and "new" forms of the signed-in user's own organisations and sessions
    if case.guards & {"speaker", "signed_in"}:
        return "speaker"  # a speaker's session or material: the speaker, or the organisation's editors for them
    return "organisation"


RANK = {"viewer": 0, "editor": 1, "owner": 2}
# In one's own space, the changes that need an editor's role somewhere (a viewer-only member creates no event).
# Speaker routes that only the organisation's editors use (visibility and release of a material).
ORGANISERS_FOR_SPEAKERS = {"PATCH /api/materials/{material_id:int}"}
EDITOR_SOMEWHERE = {"POST /organiser/new-event", "POST /api/events", "POST /api/resources", "POST /api/resources/import",
                    "POST /organiser/resources", "POST /organiser/resources/import", "GET /organiser/resources/new",
                    "GET /organiser/new-event", "GET /organiser/resources/import",
                    "POST /api/series", "GET /organiser/series/new", "POST /organiser/series/new"}


def expected(case: RouteCase) -> dict[str, str]:
    """For each actor: "allow", "403", "404", "refuse" (401/403/404 or the way to sign in) or "anonymous"."""
    kind = kind_of(case)
    expect = {"anonymous": "anonymous", "participant": "refuse"}
    organisers_only = bool(case.guards & {"organiser", "admin"})
    if kind == "platform":
        return expect | {"admin": "allow", "speaker_a": "refuse", "speaker_b": "refuse"} | dict.fromkeys(
            MEMBERS_A + MEMBERS_B, "403")
    if kind == "personal":
        return expect | {"owner_a": "allow", "admin": "refuse", "speaker_a": "refuse", "speaker_b": "refuse"} | dict.fromkeys(
            MEMBERS_A[1:] + MEMBERS_B, "404")
    if kind == "own_space":
        # B's members and the admin have their own space here: their GETs are checked for leaks of A's data.
        expect |= dict.fromkeys(("speaker_a", "speaker_b"), "refuse" if organisers_only else "allow")
        expect |= dict.fromkeys(MEMBERS_A, "allow")
        if case.id in EDITOR_SOMEWHERE:
            expect["viewer_a"] = "403"
        return expect
    needed = RANK[needed_role(case)]
    for member in MEMBERS_A:
        expect[member] = "allow" if RANK[member.split("_")[0]] >= needed else "403"
    expect |= dict.fromkeys(MEMBERS_B, "404") | {"admin": "404", "speaker_b": "refuse"}
    return expect | {"speaker_a": "allow" if kind == "speaker" and case.id not in ORGANISERS_FOR_SPEAKERS else "refuse"}


def matches(expectation: str, case: RouteCase, response: httpx.Response) -> bool:
    status, location = response.status_code, response.headers.get("location", "")
    to_login = status in (302, 303) and location.startswith("/login")
    if expectation == "anonymous":
        return status == 401 if case.path.startswith("/api/") else (to_login or status == 401)
    if expectation == "refuse":
        return status in (401, 403, 404) or to_login
    if expectation in ("403", "404"):
        return status == int(expectation)
    return status < 500 and status not in (401, 403) and not to_login and status != 404


# Forms a viewer's page may carry: signing out, the organisation switcher, leaving the organisation (a member's
# own right; removing anyone else needs an owner, which the matrix checks on that route), their own API tokens
# (a token reads what its holder may read).
HARMLESS_FORMS = re.compile(
    r"^(/logout|/organiser/organisations/current|/organiser/organisations/[\w-]+/team/\d+/remove"
    r"|/organiser/tokens|/organiser/tokens/\d+/revoke)$"
)
FORM_ACTION = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]*)"|<form[^>]*action="([^"]*)"[^>]*method="post"', re.I)
LINK = re.compile(r'href="(/organiser[^"#?]*)')
EDITOR_LINK = re.compile(r"/(edit|delete|duplicate|scan|profile|host|audit)$|/status/[a-z-]+$|/new-event$|/questions/\d+$")


def changes_offered(response: httpx.Response) -> list[str]:
    """What a viewer's page offers that would change something: a POST form, or a link to an editor's page."""
    if "text/html" not in response.headers.get("content-type", ""):
        return []
    found = [f"a form to {a or b}" for a, b in FORM_ACTION.findall(response.text) if not HARMLESS_FORMS.match(a or b)]
    found += [f"a link to {href}" for href in LINK.findall(response.text) if EDITOR_LINK.search(href)]
    return sorted(set(found))


# Deleting a parent removes its children: the allowed destructive requests run children first.
PARENT_LEVEL = {"session_id": 1, "quiz_id": 1, "run_id": 2, "series_slug": 2, "slug": 3}


def level(case: RouteCase) -> int:
    names = [name for name in case.params if name != "action"]
    return PARENT_LEVEL.get(names[-1], 0) if names else 0


def destructive(case: RouteCase) -> bool:
    if case.method == "GET":
        return False
    return case.method == "DELETE" or bool(re.search(r"delete|remove|revoke|cancel|retire|unpublish|/\{action", case.path))


def _ready(world) -> tuple[list[tuple[RouteCase, str]], list[str]]:
    ready, problems = [], []
    for case in CASES:
        try:
            ready.append((case, concrete_path(case, world.values)))
        except KeyError as exc:
            problems.append(f"{case.id}: the matrix cannot fill path parameter {exc}; teach build_world")
    return ready, problems


async def _refusals(world, ready) -> list[str]:
    problems = []
    for case, path in ready:
        for name, expectation in expected(case).items():
            if expectation == "allow":
                continue
            actor: Actor = world.actors[name]
            response = await send(actor, case, path, world.openapi)
            if not matches(expectation, case, response):
                problems.append(f"{case.id} as {name}: wanted {expectation}, got {response.status_code} {response.text[:160]!r}")
            elif MARKER in response.text:
                problems.append(f"{case.id} as {name}: refused, but the answer shows A's event")
        if kind_of(case) == "own_space" and case.method == "GET":
            for name in (*MEMBERS_B, "admin", "speaker_b"):
                response = await send(world.actors[name], case, path, world.openapi)
                if response.status_code >= 500 or MARKER in response.text:
                    problems.append(f"{case.id} as {name}: {response.status_code}, shows A's data?")
    return problems


async def _allowed(world, ready) -> list[str]:
    """The allowed requests, weakest role first; a destructive one stops at its first success (its target is gone)."""
    problems, gone = [], set()
    order = sorted(ready, key=lambda item: (destructive(item[0]), level(item[0]), -len(item[0].path)))
    for case, path in order:
        targets = {(name, str(value_for(name, case.path, world.values))) for name in case.params}
        allowed = [name for name, e in expected(case).items() if e == "allow"]
        allowed.sort(key=lambda name: RANK.get(name.split("_")[0], -1))
        for name in allowed:
            response = await send(world.actors[name], case, path, world.openapi)
            if response.status_code == 404 and targets & gone:
                break  # removed a moment ago by an allowed delete
            if not matches("allow", case, response):
                problems.append(f"{case.id} as {name}: wanted through, got {response.status_code} {response.text[:160]!r}")
            elif name == "viewer_a" and case.method == "GET":  # in their own space too: a viewer creates nothing
                problems += [f"{case.id} as viewer_a: the page offers {what}" for what in changes_offered(response)]
            elif destructive(case) and case.params:
                last = case.params[-1] if case.params[-1] != "action" else case.params[-2]
                gone.add((last, str(value_for(last, case.path, world.values))))
                break
    return problems


@pytest.fixture
def settings(settings):
    """The outbox worker stays off: its deliveries (mail, webhooks) would change rows while refusals are checked."""
    return replace(settings, deliver_in_process=False)


async def test_two_organisations_three_roles_every_route(app, engine):
    """Every guarded route × A's three roles, B's three roles, the admin, anonymous, a participant, speakers.
    Refused requests change nothing (checked on every row), so one world serves all routes; the allowed
    destructive requests run last."""
    async with contextlib.AsyncExitStack() as stack:
        world = await build_world(app, stack)
        ready, problems = _ready(world)
        before = await database_digest()
        problems += await _refusals(world, ready)
        if changed := changed_tables(before, await database_digest()):
            problems.append(f"a refused request changed the database: {', '.join(changed)}")
        problems += await _allowed(world, ready)
    assert not problems, f"{len(problems)} problem(s) in the authorisation matrix:\n" + "\n".join(problems)


def test_every_state_change_outside_the_public_doors_is_guarded():
    assert not unguarded_mutations(), (
        "routes that change state (or organiser/speaker pages) without a guard; add guards=[…] or, if it is a "
        "public door by design, document it in PUBLIC_MUTATIONS:\n" + "\n".join(unguarded_mutations())
    )


def test_the_matrix_sees_the_guarded_routes():
    """Guard detection works: the known organiser routes are in the matrix (the test above cannot pass vacuously),
    and the role table gives each kind of route the role it should."""
    by_id = {case.id: case for case in CASES}
    assert "POST /api/tokens" in by_id and "GET /organiser/tokens" in by_id
    assert all(case.guards for case in CASES)
    assert needed_role(by_id["GET /organiser/events/{slug:str}/registrations/export"]) == "viewer"
    assert needed_role(by_id["POST /organiser/events/{slug:str}/registrations/{registration_id:int}/{action:str}"]) == "editor"
    assert needed_role(by_id["GET /api/events/{slug:str}/evaluation"]) == "viewer"
    assert needed_role(by_id["POST /organiser/events/{slug:str}/evaluation/questions/{question_key:str}/{action:str}"]) == "editor"
    assert needed_role(by_id["POST /organiser/organisations/{slug:str}/team/invite"]) == "owner"
    # The follow-up after the event: viewers read the page (counts, previews), editors change and send it.
    assert needed_role(by_id["GET /organiser/events/{slug:str}/followup"]) == "viewer"
    for change in ("POST /organiser/events/{slug:str}/followup", "POST /organiser/events/{slug:str}/followup/send",
                   "POST /api/events/{slug:str}/followup/send"):
        assert needed_role(by_id[change]) == "editor" and by_id[change].guards == {"organiser"}


# --- sockets ------------------------------------------------------------------------------------------------------

# Every socket the app has, and who it is for; a new socket fails test_every_socket_is_in_the_matrix until listed.
# The live socket is public: a participant token joins; moderators' frames need moderation rights (tests/live).
SOCKETS = {"/ws/quiz/host/{run_id:int}": "editor", "/ws/quiz/play": "public", "/ws/live/{code:str}": "public"}


def socket_paths() -> set[str]:
    from litestar.routes import WebSocketRoute  # noqa: PLC0415 - only this test reads route kinds

    return {route.path for route in _app_for_listing().routes if isinstance(route, WebSocketRoute)}


def test_every_socket_is_in_the_matrix():
    assert socket_paths() == set(SOCKETS)


async def _socket_world(engine) -> tuple[int, dict[str, dict[str, str]]]:
    from events.accounts import service as accounts  # noqa: PLC0415 - tables are bound by the fixtures
    from events.organisations import service as organisations  # noqa: PLC0415 - as above
    from events.programme import service as programme  # noqa: PLC0415 - as above
    from events.quiz import service as quiz  # noqa: PLC0415 - as above
    from events.quiz.service import QuestionInput  # noqa: PLC0415 - as above

    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    users = {}
    for slug, members in ((ORG_A, MEMBERS_A), ("ministerie-ander", MEMBERS_B)):
        organisation = await organisations.create_organisation({"name": slug}, NOW, slug=slug)
        for member in members:
            user = await accounts.create_user(f"{member}@{slug}.nl", "organiser", name=member)
            await organisations.add_member(organisation.id, user.id, member.split("_")[0], NOW)
            users[member] = user
            headers[member] = {"Authorization": f"Bearer {await accounts.create_api_token(user.id, label='ws')}"}
    event = await programme.create_event(event_data(title="Quizmiddag"), users["owner_a"], NOW, organisation=ORG_A)
    quiz_id = await quiz.create_quiz(event["id"], "Kennisquiz")
    quiz_row, _ = await quiz.quiz_for_organiser(quiz_id, users["owner_a"])
    await quiz.save_question(engine, quiz_row, QuestionInput(text="Wat?", kind="single", options=[("Ja", True), ("Nee", False)]))
    run = await quiz.open_run(quiz_id, users["owner_a"].id, NOW)
    return run.id, headers


async def test_the_host_socket_follows_the_boundary(settings, clock, engine):
    """A's owner and editor host; A's viewer is refused as too weak; B's members are refused with exactly the
    answer a missing run gets; anonymous is refused."""
    from litestar.testing import TestClient  # noqa: PLC0415 - the socket client runs the app in its own thread

    from events.kernel import database  # noqa: PLC0415 - rebinds the test's engine after the socket client

    run_id, headers = await _socket_world(engine)
    app = create_app(settings, clock=clock)
    answers: dict[str, dict] = {}
    try:
        with TestClient(app) as client:
            for name, header in headers.items():
                with client.websocket_connect(f"/ws/quiz/host/{run_id}", headers=header) as socket:
                    answers[name] = socket.receive_json()
            with client.websocket_connect(f"/ws/quiz/host/{run_id + 1000}", headers=headers["owner_b"]) as socket:
                missing = socket.receive_json()
    finally:
        database.bind_engine(engine)
    assert missing["type"] == "refused"
    assert answers["owner_a"]["type"] == answers["editor_a"]["type"] == "host_state"
    assert missing == {"type": "refused", "reason": "not_found"}
    assert answers["viewer_a"] == answers["anonymous"] == {"type": "refused", "reason": "forbidden"}
    for name in MEMBERS_B:
        assert answers[name] == missing, name
