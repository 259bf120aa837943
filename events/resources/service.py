"""The resources domain's rules: the platform library, its import, and its links into events and sessions.

Messages are English msgids (translated on pages); "now" is always passed in. Retired resources stay in the
table and in their links (history), but list/page functions hide them unless asked.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from piccolo.engine.base import Engine

from events.kernel.database import UNIQUE_VIOLATIONS, write_transaction
from events.kernel.errors import NotFound, RuleViolation
from events.resources.tables import EventResource, Resource, SessionResource


def N_(message: str) -> str:  # noqa: N802 - gettext marker; services do not import the web layer
    return message


# The six aspects of integral security, in the platform's order, each with a one-sentence explanation.
ASPECTS: dict[str, tuple[str, str]] = {
    "fysieke_beveiliging": (
        N_("Physical security"),
        N_("Protecting buildings, people and property against intrusion, theft, vandalism and violence."),
    ),
    "informatiebeveiliging": (
        N_("Information security"),
        N_("Keeping information and systems available, intact and confidential, from phishing to ransomware."),
    ),
    "personele_beveiliging": (
        N_("Personnel security"),
        N_("Making sure the people who work for the organisation are reliable, and stay so."),
    ),
    "continuiteit": (
        N_("Continuity"),
        N_("Keeping vital processes running during and after a disruption or crisis."),
    ),
    "voorbereiding": (
        N_("Preparedness"),
        N_("Planning, training and exercising so the organisation knows what to do when it counts."),
    ),
    "bewustzijn": (
        N_("Awareness"),
        N_("Helping everyone in the organisation recognise risks and act on them in daily work."),
    ),
}
KINDS: dict[str, str] = {
    "story": N_("Story"),
    "guide": N_("Guide"),
    "tool": N_("Tool"),
    "recording": N_("Recording"),
    "scan": N_("Scan"),
}
LANGUAGES: dict[str, str] = {"nl": N_("Dutch"), "en": N_("English")}
ALLOWED_SCHEMES = ("http", "https")
MAX_TITLE = 200
MAX_SUMMARY = 2000
MAX_URL = 2000
MAX_TAGS = 20
MAX_IMPORT_ROWS = 5000
FIELDS = ("title", "url", "summary", "aspect", "kind", "language", "tags")


# --- validation -------------------------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host; anything else (javascript:, data:, file:, relative) is refused."""
    url = (url or "").strip()
    if not url:
        raise RuleViolation(N_("Enter the address of the resource"), {"url": N_("Enter an address")})
    if len(url) > MAX_URL:
        raise RuleViolation(N_("The address is too long"), {"url": N_("Use at most 2000 characters")})
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise RuleViolation(N_("The address may not contain spaces"), {"url": N_("Remove the spaces from the address")})
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise RuleViolation(N_("This is not a valid web address"), {"url": N_("Enter a valid web address")}) from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise RuleViolation(
            N_("Only web addresses starting with http:// or https:// are allowed"),
            {"url": N_("The address must start with http:// or https://")},
        )
    if not host or "." not in host and host != "localhost" and not host.startswith("127."):
        raise RuleViolation(N_("This is not a valid web address"), {"url": N_("The address needs a host name")})
    return url


def normalise_tags(tags: str | Iterable[str] | None) -> str:
    if tags is None:
        return ""
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    seen: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise RuleViolation(N_("Tags must be text"), {"tags": N_("Tags must be text")})
        if any(ord(ch) < 32 or ch == "\x7f" for ch in item):
            raise RuleViolation(N_("Tags must be text"), {"tags": N_("This text contains invisible control characters")})
        tag = " ".join(item.strip().lower().split())
        if tag and tag not in seen:
            seen.append(tag)
    if len(seen) > MAX_TAGS or any(len(t) > 40 for t in seen):
        raise RuleViolation(N_("Too many or too long tags"), {"tags": N_("Use at most 20 tags of at most 40 characters")})
    return ",".join(seen)


def clean_resource(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validated column values from user input; `partial` (PATCH) validates only the keys given.

    Raises one RuleViolation naming every failing field.
    """
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise RuleViolation(N_("Unknown fields"), {k: N_("This field does not exist") for k in unknown})

    def given(name: str) -> bool:
        return name in data and data[name] is not None if partial else True

    def text(name: str) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            errors[name] = N_("This must be text")
            return ""
        if any(ord(ch) < 32 and ch not in "\t\r\n" or ch == "\x7f" for ch in value):
            # e.g. NUL, which PostgreSQL refuses in text and no person typed on purpose
            errors[name] = N_("This text contains invisible control characters")
            return ""
        return value.strip()

    if given("title"):
        title = " ".join(text("title").split())
        if not title and "title" not in errors:
            errors["title"] = N_("Enter a title")
        elif len(title) > MAX_TITLE:
            errors["title"] = N_("Use at most 200 characters")
        clean["title"] = title
    if given("url"):
        try:
            clean["url"] = check_url(text("url"))
        except RuleViolation as exc:
            errors.setdefault("url", exc.errors.get("url", exc.message))
    if given("summary"):
        summary = text("summary")
        if len(summary) > MAX_SUMMARY:
            errors["summary"] = N_("Use at most 2000 characters")
        clean["summary"] = summary
    if given("aspect"):
        aspect = text("aspect").lower()
        if aspect not in ASPECTS:
            errors.setdefault("aspect", N_("Choose one of the six aspects"))
        clean["aspect"] = aspect
    if given("kind"):
        kind = text("kind").lower()
        if kind not in KINDS:
            errors.setdefault("kind", N_("Choose story, guide, tool, recording or scan"))
        clean["kind"] = kind
    if given("language"):
        language = text("language").lower() or "nl"
        if language not in LANGUAGES:
            errors.setdefault("language", N_("Choose Dutch (nl) or English (en)"))
        clean["language"] = language
    if given("tags"):
        try:
            clean["tags"] = normalise_tags(data.get("tags"))
        except RuleViolation as exc:
            errors["tags"] = exc.errors["tags"]
    if errors:
        raise RuleViolation(N_("Check the fields marked"), errors)
    return clean


# --- reading ----------------------------------------------------------------------------------------------------


def _search_terms(q: str | None) -> list[str]:
    # LIKE wildcards from a visitor would match everything: treat them as separators.
    cleaned = (q or "").translate(str.maketrans({"%": " ", "_": " ", "\\": " "}))
    return [w for w in cleaned.lower().split() if w][:8]


def tag_list(row: dict[str, Any]) -> list[str]:
    return [t for t in (row.get("tags") or "").split(",") if t]


async def list_resources(
    aspect: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    language: str | None = None,
    tag: str | None = None,
    include_retired: bool = False,
    broken_only: bool = False,
    retired_only: bool = False,
) -> list[dict[str, Any]]:
    """Resources matching every filter given, by aspect order then title. Unknown aspect/kind match nothing."""
    query = Resource.select()
    if aspect:
        query = query.where(Resource.aspect == aspect)
    if kind:
        query = query.where(Resource.kind == kind)
    if language:
        query = query.where(Resource.language == language)
    if retired_only:
        query = query.where(Resource.retired_at.is_not_null())
    elif not include_retired:
        query = query.where(Resource.retired_at.is_null())
    if broken_only:
        query = query.where(Resource.broken == True)  # noqa: E712 - Piccolo builds SQL from ==
    for word in _search_terms(q):
        pattern = f"%{word}%"
        query = query.where(
            Resource.title.ilike(pattern) | Resource.summary.ilike(pattern) | Resource.tags.ilike(pattern)
        )
    rows = await query.order_by(Resource.title).order_by(Resource.id)
    if tag:
        wanted = tag.strip().lower()
        rows = [r for r in rows if wanted in tag_list(r)]
    order = {key: i for i, key in enumerate(ASPECTS)}
    rows.sort(key=lambda r: (order.get(r["aspect"], 99), r["title"].lower(), r["id"]))
    return rows


async def get_resource(resource_id: int, include_retired: bool = False) -> dict[str, Any]:
    """One resource; raises NotFound (also for a retired one unless `include_retired`)."""
    row = await Resource.select().where(Resource.id == resource_id).first()
    if row is None or (row["retired_at"] is not None and not include_retired):
        raise NotFound(N_("No resource with this number"))
    return row


async def resource_choices(include: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(id, "title (aspect)") for select boxes: every live resource, plus the retired ones in `include`
    (so a form for an existing link still shows what it points at)."""
    keep = set(include)
    rows = await Resource.select(Resource.id, Resource.title, Resource.aspect, Resource.retired_at).order_by(
        Resource.title
    )
    return [
        (r["id"], f"{r['title']} ({r['aspect']})")
        for r in rows
        if r["retired_at"] is None or r["id"] in keep
    ]


async def choices_by_aspect(exclude: Iterable[int] = ()) -> list[tuple[str, list[tuple[int, str]]]]:
    """[(aspect, [(id, title)])] of live resources for a grouped select box, leaving out `exclude` (already linked)."""
    skip = set(exclude)
    rows = await list_resources()
    return [(aspect, [(r["id"], r["title"]) for r in group if r["id"] not in skip])
            for aspect, group in group_by_aspect(rows) if any(r["id"] not in skip for r in group)]


async def learn_more(resource_id: int | None) -> dict[str, str] | None:
    """{"url", "title"} of a live resource, for a quiz question's "learn more" link; None when absent or retired."""
    if resource_id is None:
        return None
    row = await Resource.select(Resource.url, Resource.title).where(
        (Resource.id == resource_id) & Resource.retired_at.is_null()
    ).first()
    return {"url": row["url"], "title": row["title"]} if row else None


def group_by_aspect(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """[(aspect, rows)] in the platform's aspect order, empty aspects left out."""
    return [(aspect, [r for r in rows if r["aspect"] == aspect]) for aspect in ASPECTS if any(r["aspect"] == aspect for r in rows)]


# --- writing ----------------------------------------------------------------------------------------------------


async def create_resource(data: dict[str, Any], user_id: int | None, now: datetime) -> dict[str, Any]:
    values = clean_resource(data)
    row = Resource(**values, created_by=user_id, created_at=now, updated_at=now)
    await row.save()
    return await get_resource(row.id)


async def update_resource(resource_id: int, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    current = await get_resource(resource_id, include_retired=True)
    values = clean_resource(data, partial=True)
    if not values:
        return current
    changes: dict[Any, Any] = {getattr(Resource, k): v for k, v in values.items()}
    changes[Resource.updated_at] = now
    if "url" in values and values["url"] != current["url"]:
        # A new address has not been checked yet: the old verdict does not apply.
        changes.update(
            {Resource.broken: False, Resource.last_status: None, Resource.last_error: "",
             Resource.last_checked_at: None, Resource.last_elapsed_ms: None}
        )
    await Resource.update(changes).where(Resource.id == resource_id)
    return await get_resource(resource_id, include_retired=True)


async def retire_resource(resource_id: int, now: datetime) -> dict[str, Any]:
    """Hide a resource from pages and the public API; its row and its links stay for history. Idempotent."""
    current = await get_resource(resource_id, include_retired=True)
    if current["retired_at"] is None:
        await Resource.update({Resource.retired_at: now, Resource.updated_at: now}).where(Resource.id == resource_id)
    return await get_resource(resource_id, include_retired=True)


async def restore_resource(resource_id: int, now: datetime) -> dict[str, Any]:
    await get_resource(resource_id, include_retired=True)
    await Resource.update({Resource.retired_at: None, Resource.updated_at: now}).where(Resource.id == resource_id)
    return await get_resource(resource_id)


# --- import -----------------------------------------------------------------------------------------------------


class ImportRefused(RuleViolation):
    """An import with one or more bad rows: nothing was loaded.

    `problems` maps a line number to [(field, message)] (messages are msgids where we wrote them); `errors` is the
    same flattened for the API: "line N" -> "field: message; …".
    """

    def __init__(self, message: str, problems: dict[int, list[tuple[str, str]]]):
        self.problems = dict(sorted(problems.items()))
        errors = {f"line {n}": "; ".join(f"{f}: {m}" for f, m in items) for n, items in self.problems.items()}
        super().__init__(message, errors)


def parse_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV with a header (comma or semicolon, as Excel writes it), each with its line number."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportRefused(N_("The file is empty"), {1: [("header", N_("No header row"))]})
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return _read_csv(reader)
    except csv.Error as exc:  # e.g. a NUL byte or a field over the csv module's size limit
        raise ImportRefused(
            N_("The file could not be read as CSV"), {max(reader.line_num, 1): [("csv", str(exc))]}
        ) from None


def _read_csv(reader: Any) -> list[tuple[int, dict[str, Any]]]:
    header = [h.strip().lower() for h in next(reader)]
    missing = [f for f in ("title", "url", "aspect", "kind") if f not in header]
    unknown = [h for h in header if h not in FIELDS]
    if missing or unknown:
        problems = [(m, N_("This column is missing")) for m in missing]
        problems += [(u, N_("This column is unknown")) for u in unknown]
        raise ImportRefused(N_("The header row is not right"), {1: problems})
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            rows.append((line, {"__error__": N_("This row has a different number of columns than the header")}))
            continue
        rows.append((line, dict(zip(header, record, strict=True))))
    return rows


def _element_lines(text: str) -> list[int]:
    """The line on which each element of a top-level JSON array starts (the text is known to be valid JSON)."""
    decoder = json.JSONDecoder()
    i = text.index("[") + 1
    lines: list[int] = []
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            return lines
        lines.append(text.count("\n", 0, i) + 1)
        _, i = decoder.raw_decode(text, i)


def parse_json(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a JSON array of objects, each with the line its object starts on (or {"resources": [...]}, where
    the number is the position in the list)."""
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise ImportRefused(N_("This is not valid JSON"), {line: [("json", str(exc))]}) from None
    if isinstance(data, list):
        lines = _element_lines(text)
    elif isinstance(data, dict) and isinstance(data.get("resources"), list):
        data = data["resources"]
        lines = list(range(1, len(data) + 1))
    else:
        raise ImportRefused(N_("Expected a list of resources"), {1: [("json", N_("Expected a list of resources"))]})
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, item in zip(lines, data, strict=True):
        if not isinstance(item, dict):
            rows.append((line, {"__error__": N_("Expected an object with the fields of a resource")}))
        else:
            rows.append((line, item))
    return rows


def parse_import(filename: str, content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(N_("The file must be UTF-8 text"), {1: [("file", N_("The file must be UTF-8 text"))]}) from None
    name = (filename or "").lower()
    if name.endswith(".json") or text.lstrip().startswith(("[", "{")):
        return parse_json(text)
    return parse_csv(text)


async def import_resources(
    rows: list[tuple[int, dict[str, Any]]], user_id: int | None, now: datetime, engine: Engine
) -> int:
    """Load all rows or none: every row is validated first; one bad row refuses the whole import.

    A row whose URL already exists in the library updates that resource (so a list from the platform can be
    loaded again); otherwise a new resource is created. Returns how many rows were loaded.
    """
    if not rows:
        raise ImportRefused(N_("The file has no resources"), {2: [("file", N_("The file has no resources"))]})
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportRefused(N_("Too many rows in one import"), {rows[MAX_IMPORT_ROWS][0]: [("file", N_("At most 5000 rows at once"))]})
    problems: dict[int, list[tuple[str, str]]] = {}
    cleaned: list[dict[str, Any]] = []
    seen_urls: dict[str, int] = {}
    for line, row in rows:
        if "__error__" in row:
            problems[line] = [("row", row["__error__"])]
            continue
        try:
            values = clean_resource(row)
        except RuleViolation as exc:
            problems[line] = list(exc.errors.items()) or [("row", exc.message)]
            continue
        if values["url"] in seen_urls:
            problems[line] = [("url", N_("The same address appears on an earlier line"))]
            continue
        seen_urls[values["url"]] = line
        cleaned.append(values)
    if problems:
        raise ImportRefused(N_("Nothing was imported: correct the lines below and try again"), problems)
    async with write_transaction(engine):
        existing = {
            r["url"]: r["id"]
            for r in await Resource.select(Resource.id, Resource.url).where(Resource.url.is_in(list(seen_urls)))
        }
        for values in cleaned:
            if values["url"] in existing:
                await Resource.update(
                    {**{getattr(Resource, k): v for k, v in values.items()}, Resource.updated_at: now}
                ).where(Resource.id == existing[values["url"]])
            else:
                await Resource.insert(Resource(**values, created_by=user_id, created_at=now, updated_at=now))
    return len(cleaned)


# --- links into events and sessions ------------------------------------------------------------------------------


async def resources_of_event(event_id: int, include_retired: bool = False) -> list[dict[str, Any]]:
    """The event's resources in the organiser's order (retired ones hidden unless asked), with `link_id`."""
    query = EventResource.select(
        EventResource.id.as_alias("link_id"), EventResource.position, *EventResource.resource.all_columns()
    ).where(EventResource.event == event_id)
    if not include_retired:
        query = query.where(EventResource.resource.retired_at.is_null())
    rows = await query.order_by(EventResource.position).order_by(EventResource.id)
    return [_unprefix(r, "resource.") for r in rows]


async def resources_of_session(session_id: int, include_retired: bool = False) -> list[dict[str, Any]]:
    query = SessionResource.select(
        SessionResource.id.as_alias("link_id"), SessionResource.position, *SessionResource.resource.all_columns()
    ).where(SessionResource.session == session_id)
    if not include_retired:
        query = query.where(SessionResource.resource.retired_at.is_null())
    rows = await query.order_by(SessionResource.position).order_by(SessionResource.id)
    return [_unprefix(r, "resource.") for r in rows]


def _unprefix(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {(k[len(prefix):] if k.startswith(prefix) else k): v for k, v in row.items()}


async def _link(table: type, owner_column: Any, owner_id: int, resource_id: int, engine: Engine) -> None:
    await get_resource(resource_id)  # a retired resource cannot be newly attached
    try:
        async with write_transaction(engine):
            if await table.exists().where((owner_column == owner_id) & (table.resource == resource_id)):
                return  # attaching twice is harmless
            last = await table.select(table.position).where(owner_column == owner_id).order_by(
                table.position, ascending=False
            ).first()
            await table.insert(table(**{owner_column._meta.name: owner_id, "resource": resource_id,
                                        "position": (last["position"] + 1) if last else 0}))
    except UNIQUE_VIOLATIONS:
        # someone attached it at the same moment (the UNIQUE index decided): attached, as asked
        if not await table.exists().where((owner_column == owner_id) & (table.resource == resource_id)):
            raise


async def attach_to_event(event_id: int, resource_id: int, engine: Engine) -> None:
    await _link(EventResource, EventResource.event, event_id, resource_id, engine)


async def detach_from_event(event_id: int, resource_id: int) -> None:
    await EventResource.delete().where((EventResource.event == event_id) & (EventResource.resource == resource_id))


async def attach_to_session(session_id: int, resource_id: int, engine: Engine) -> None:
    await _link(SessionResource, SessionResource.session, session_id, resource_id, engine)


async def detach_from_session(session_id: int, resource_id: int) -> None:
    await SessionResource.delete().where(
        (SessionResource.session == session_id) & (SessionResource.resource == resource_id)
    )


async def link_counts() -> dict[int, int]:
    """resource id -> how many events and sessions link to it (for the editor)."""
    counts: dict[int, int] = {}
    for table in (EventResource, SessionResource):
        for r in await table.select(table.resource):
            counts[r["resource"]] = counts.get(r["resource"], 0) + 1
    return counts
