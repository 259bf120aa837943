"""Errors as people see them: JSON with a message (and the failing fields) under /api, pages in the layout elsewhere."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.kernel.text import CONTROL_CHARACTERS_IN_FIELD, control_character_fields
from events.web.auth import LoginRequired

log = logging.getLogger("events.kernel.errors")

# Messages from the framework that we show in the visitor's language on HTML pages.
PAGE_TITLES = {
    400: N_("The request could not be processed"),
    401: N_("Sign in first"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not allowed here"),
    409: N_("This cannot be done now"),
    413: N_("The upload is too large"),
    415: N_("This type of file is not accepted"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on our side"),
}


class DomainError(HTTPException):
    """A rule of the domain refused the request; `detail` is a message for people, `extra` the failing fields."""

    status_code = 400


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


PROBLEM_JSON = "application/problem+json"


def _json(status: int, detail: str, extra: Any = None, headers: dict | None = None) -> Response:
    """An RFC 9457 problem details body: `type`, `title`, `status`, `detail` and the failing fields in `errors`.
    `status_code` and `extra` repeat `status` and `errors` in the shape the API had before (clients read them)."""
    errors = [
        {"field": item.get("key"), "message": item.get("message"), **({"source": item["source"]} if item.get("source") else {})}
        for item in (extra or [])
    ]
    body: dict[str, Any] = {"type": "about:blank", "title": _phrase(status), "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body["status_code"] = status
    if extra:
        body["extra"] = extra
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if wants_json(request):
        extra = exc.extra
        if isinstance(exc, ValidationException) and isinstance(extra, list):
            extra = [{"key": e.get("key"), "message": e.get("message"), "source": e.get("source")} for e in extra]
        return _json(status, exc.detail, extra, headers)
    if isinstance(exc, LoginRequired) or status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target, safe='')}")
    detail = exc.detail if isinstance(exc, DomainError) else None
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": PAGE_TITLES.get(status, PAGE_TITLES[400]), "detail": detail},
        status_code=status,
        headers=headers,
    )


def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error")
    return Template(
        template_name="errors/error.html",
        context={"status": 500, "title": PAGE_TITLES[500], "detail": None},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


def rule_violation_handler(request: Request, exc: RuleViolation) -> Response:
    if wants_json(request):
        extra = [{"key": key, "message": message} for key, message in exc.errors.items()]
        return _json(exc.status_code, exc.message, extra)
    return Template(
        template_name="errors/error.html",
        context={
            "status": exc.status_code,
            "title": PAGE_TITLES.get(exc.status_code, PAGE_TITLES[400]),
            "detail": exc.message,
            "errors": exc.errors,
        },
        status_code=exc.status_code,
    )


# PostgreSQL's serial ids are int4; SQLite's reach 2**63 - 1. A larger id in a path cannot name anything.
MAX_ID = 2**31 - 1


def refuse_impossible_ids(request: Request) -> None:
    """A before-request hook: 404 for path ids no table can hold, instead of an overflow in the database driver."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not -MAX_ID <= value <= MAX_ID:
            raise NotFoundException()


JSON_TYPE = re.compile(r"^application/([\w.+-]+\+)?json\s*(;.*)?$", re.IGNORECASE)


def _content_type(request: Request) -> str:
    """The request's Content-Type as sent, read from the scope (Litestar's `request.headers` builds a header
    object of every header: a twentieth of a registration request)."""
    for name, value in request.scope["headers"]:
        if name == b"content-type":
            return value.decode("latin-1")
    return ""


def refuse_unsupported_media(request: Request) -> None:
    """415 for an /api body that is sent as something else than JSON to an operation that reads JSON (REST API
    Design Rules), instead of a confusing "JSON is malformed". Multipart uploads declare their own type."""
    # The scope's path, not `request.url`: building the URL object was a fortieth of the registration rush's request
    if request.method not in {"POST", "PUT", "PATCH"} or not request.scope["path"].startswith("/api/"):
        return
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return
    encoding = getattr(data.kwarg_definition, "media_type", None) or RequestEncodingType.JSON
    content_type = _content_type(request)
    if encoding == RequestEncodingType.JSON and content_type and not JSON_TYPE.match(content_type):
        raise HTTPException(status_code=415, detail="Send the body as JSON (Content-Type: application/json)")


# A route whose own rules refuse control characters field by field (with a form error beside the field) says so:
# `opt={TEXT_CHECKED: True}`; the net below leaves its form posts to it.
TEXT_CHECKED = "text_checked"
TEXT_CHECKED_OPT = {TEXT_CHECKED: True}


async def refuse_control_characters(request: Request) -> None:
    """A before-request net under every write: a 400 naming each field of the JSON body or the form whose text holds
    control characters it may not carry (C0, C1, U+2028/2029; line breaks and tabs only in multi-line fields),
    before any handler writes anything. Multipart uploads are left to their routes, which stream the body (the
    materials' title is checked by their service)."""
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    content_type = _content_type(request).partition(";")[0].strip().lower()
    if content_type == RequestEncodingType.URL_ENCODED:
        if request.route_handler.opt.get(TEXT_CHECKED) and not wants_json(request):
            return
        form = await request.form()
        data: Any = {key: form.getall(key) for key in form}
    elif JSON_TYPE.match(content_type):
        try:
            data = await request.json()
        except Exception:  # noqa: BLE001 - a malformed body gets the handler's own clear 400
            return
    else:
        return
    fields = control_character_fields(data)
    if fields:
        raise RuleViolation(N_("The request could not be processed"), {field.removesuffix(".0"): CONTROL_CHARACTERS_IN_FIELD for field in fields})


async def before_request(request: Request) -> None:
    """Runs before every handler. A coroutine on purpose: Litestar runs a plain function hook in a worker thread,
    a thread round trip on every request that is not answered from the public cache (py-spy: /livez, the manage
    page and the rush all paid it)."""
    refuse_impossible_ids(request)
    refuse_unsupported_media(request)
    await refuse_control_characters(request)


EXCEPTION_HANDLERS = {
    RuleViolation: rule_violation_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}
