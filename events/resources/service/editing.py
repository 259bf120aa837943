"""Editing the library: validating what a person or a file gives, adding, changing, retiring and restoring.

Messages are English msgids (translated on pages). A resource is never deleted, only retired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.resources.rows import ResourceRow
from events.resources.service.library import get_resource
from events.resources.service.vocabulary import (
    ALLOWED_SCHEMES,
    ASPECTS,
    FIELDS,
    KINDS,
    LANGUAGES,
    MAX_SUMMARY,
    MAX_TAGS,
    MAX_TITLE,
    MAX_URL,
)
from events.resources.tables import Resource


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


# --- one cleaner per field: (given value, errors so far) -> clean value, noting a refusal in `errors` -------------


def _text(value: Any, name: str, errors: dict[str, str]) -> str:
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


def _title(value: Any, errors: dict[str, str]) -> str:
    title = " ".join(_text(value, "title", errors).split())
    if not title and "title" not in errors:
        errors["title"] = N_("Enter a title")
    elif len(title) > MAX_TITLE:
        errors["title"] = N_("Use at most 200 characters")
    return title


def _url(value: Any, errors: dict[str, str]) -> str | None:
    try:
        return check_url(_text(value, "url", errors))
    except RuleViolation as exc:
        errors.setdefault("url", exc.errors.get("url", exc.message))
        return None


def _summary(value: Any, errors: dict[str, str]) -> str:
    summary = _text(value, "summary", errors)
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = N_("Use at most 2000 characters")
    return summary


def _one_of(name: str, allowed: Iterable[str], refusal: str, default: str = "") -> Callable[[Any, dict], str]:
    def clean(value: Any, errors: dict[str, str]) -> str:
        chosen = _text(value, name, errors).lower() or default
        if chosen not in allowed:
            errors.setdefault(name, refusal)
        return chosen

    return clean


def _tags(value: Any, errors: dict[str, str]) -> str | None:
    try:
        return normalise_tags(value)
    except RuleViolation as exc:
        errors["tags"] = exc.errors["tags"]
        return None


CLEANERS: dict[str, Callable[[Any, dict[str, str]], Any]] = {
    "title": _title,
    "url": _url,
    "summary": _summary,
    "aspect": _one_of("aspect", ASPECTS, N_("Choose one of the six aspects")),
    "kind": _one_of("kind", KINDS, N_("Choose story, guide, tool, recording or scan")),
    "language": _one_of("language", LANGUAGES, N_("Choose Dutch (nl) or English (en)"), default="nl"),
    "tags": _tags,
}


def clean_resource(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validated column values from user input; `partial` (PATCH) validates only the keys given.

    Raises one RuleViolation naming every failing field.
    """
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise RuleViolation(N_("Unknown fields"), {k: N_("This field does not exist") for k in unknown})
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, cleaner in CLEANERS.items():
        if partial and data.get(name) is None:
            continue
        value = cleaner(data.get(name), errors)
        if value is not None:
            clean[name] = value
    if errors:
        raise RuleViolation(N_("Check the fields marked"), errors)
    return clean


async def create_resource(
    data: dict[str, Any], user_id: int | None, now: datetime, organisation: int | None = None
) -> ResourceRow:
    """A new entry: of the shared library (`organisation` None) or kept by that organisation. Who may add which
    is `stewardship`'s rule; this writes it."""
    values = clean_resource(data)
    row = Resource(**values, created_by=user_id, organisation=organisation, created_at=now, updated_at=now)
    await row.save()
    return await get_resource(row.id)


async def update_resource(resource_id: int, data: dict[str, Any], now: datetime) -> ResourceRow:
    current = await get_resource(resource_id, include_retired=True)
    values = clean_resource(data, partial=True)
    if not values:
        return current
    changes: dict[Any, Any] = {getattr(Resource, k): v for k, v in values.items()}
    changes[Resource.updated_at] = now
    if "url" in values and values["url"] != current.url:
        # A new address has not been checked yet: the old verdict does not apply.
        changes.update(
            {Resource.broken: False, Resource.last_status: None, Resource.last_error: "",
             Resource.last_checked_at: None, Resource.last_elapsed_ms: None}
        )
    await Resource.update(changes).where(Resource.id == resource_id)
    return await get_resource(resource_id, include_retired=True)


async def retire_resource(resource_id: int, now: datetime) -> ResourceRow:
    """Hide a resource from pages and the public API; its row and its links stay for history. Idempotent."""
    current = await get_resource(resource_id, include_retired=True)
    if current.retired_at is None:
        await Resource.update({Resource.retired_at: now, Resource.updated_at: now}).where(Resource.id == resource_id)
    return await get_resource(resource_id, include_retired=True)


async def restore_resource(resource_id: int, now: datetime) -> ResourceRow:
    await get_resource(resource_id, include_retired=True)
    await Resource.update({Resource.retired_at: None, Resource.updated_at: now}).where(Resource.id == resource_id)
    return await get_resource(resource_id)
