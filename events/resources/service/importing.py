"""Importing a list of resources from CSV (as Excel writes it) or JSON: every row validated first, then all rows
loaded or none, with the problems reported by line."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from piccolo.engine.base import Engine

from events.kernel.database import write_transaction
from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.resources.service.editing import clean_resource
from events.resources.service.vocabulary import FIELDS, MAX_IMPORT_ROWS
from events.resources.tables import Resource

Rows = list[tuple[int, dict[str, Any]]]  # (line number, the row's fields)


class ImportRefused(RuleViolation):
    """An import with one or more bad rows: nothing was loaded.

    `problems` maps a line number to [(field, message)] (messages are msgids where we wrote them); `errors` is the
    same flattened for the API: "line N" -> "field: message; …".
    """

    def __init__(self, message: str, problems: dict[int, list[tuple[str, str]]]):
        self.problems = dict(sorted(problems.items()))
        errors = {f"line {n}": "; ".join(f"{f}: {m}" for f, m in items) for n, items in self.problems.items()}
        super().__init__(message, errors)


def parse_csv(text: str) -> Rows:
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


def _read_csv(reader: Any) -> Rows:
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


def parse_json(text: str) -> Rows:
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
    rows: Rows = []
    for line, item in zip(lines, data, strict=True):
        if not isinstance(item, dict):
            rows.append((line, {"__error__": N_("Expected an object with the fields of a resource")}))
        else:
            rows.append((line, item))
    return rows


def parse_import(filename: str, content: bytes) -> Rows:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(N_("The file must be UTF-8 text"), {1: [("file", N_("The file must be UTF-8 text"))]}) from None
    name = (filename or "").lower()
    if name.endswith(".json") or text.lstrip().startswith(("[", "{")):
        return parse_json(text)
    return parse_csv(text)


def _cleaned_or_refused(rows: Rows) -> list[dict[str, Any]]:
    """Every row's clean values; one bad row (or an address twice) refuses the whole import."""
    if not rows:
        raise ImportRefused(N_("The file has no resources"), {2: [("file", N_("The file has no resources"))]})
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportRefused(N_("Too many rows in one import"), {rows[MAX_IMPORT_ROWS][0]: [("file", N_("At most 5000 rows at once"))]})
    problems: dict[int, list[tuple[str, str]]] = {}
    cleaned: list[dict[str, Any]] = []
    seen_urls: set[str] = set()
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
        seen_urls.add(values["url"])
        cleaned.append(values)
    if problems:
        raise ImportRefused(N_("Nothing was imported: correct the lines below and try again"), problems)
    return cleaned


async def import_resources(
    rows: Rows, user_id: int | None, now: datetime, engine: Engine, organisation: int | None = None
) -> int:
    """Load all rows or none: every row is validated first; one bad row refuses the whole import.

    A row whose URL already exists in the library updates that resource (so a list from the platform can be
    loaded again); otherwise a new resource is created. Returns how many rows were loaded.
    """
    cleaned = _cleaned_or_refused(rows)
    async with write_transaction(engine):
        existing = {
            r["url"]: r["id"]
            for r in await Resource.select(Resource.id, Resource.url).where(Resource.url.is_in([v["url"] for v in cleaned]))
        }
        for values in cleaned:
            if values["url"] in existing:
                await Resource.update(
                    {**{getattr(Resource, k): v for k, v in values.items()}, Resource.updated_at: now}
                ).where(Resource.id == existing[values["url"]])
            else:
                await Resource.insert(Resource(**values, created_by=user_id, organisation=organisation, created_at=now, updated_at=now))
    return len(cleaned)
