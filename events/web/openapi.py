"""The OpenAPI document's error answers (REST API Design Rules): every operation lists the problem details
(RFC 9457) it can answer with, so clients can rely on one documented error shape.

Which errors apply is read from the route itself: 400 for any operation (bad parameters or body), 401 and 403
when a guard protects it, 404 when its path names a thing, 409 for a change (a rule of the current state), 413
and 415 when it reads a body, 429 when a rate limit counts it (`web.ratelimit`). A handler's own description of
a status is kept (in the problem details shape).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from events.web.errors import PROBLEM_JSON
from events.web.ratelimit import LIMITED_PATHS


class ProblemField(msgspec.Struct):
    field: str | None
    message: str | None
    source: str | None = None


class Problem(msgspec.Struct):
    """RFC 9457 problem details, with the failing fields in `errors` (and the older `status_code`/`extra`)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None
    status_code: int | None = None
    extra: list[dict[str, Any]] | None = None


API_DESCRIPTION = """Conferences, webinars and weerbaarheidsfestivals: the public and organiser API.

Follows the Dutch REST API Design Rules: every answer carries `API-Version` (this document's version), errors are
RFC 9457 problem details (`application/problem+json`), resource names are plural, paths have no trailing slash,
and moments are ISO 8601 with an offset (UTC, written `Z`).

Lists paginate one way: `?page=` (from 1) and `?per_page=` (1-200, default 50); out of range is a 400 naming the
parameter. The body stays a JSON array (the webhook delivery log keeps its envelope) and the answer carries
`X-Total-Count` and an RFC 8288 `Link` header (`first`, `prev`, `next`, `last`).

Deviations kept so existing clients do not break: `/api/quiz/…` is singular (the quiz game, one per join code);
`/api/me` names the caller, not a collection; state changes are action paths (`/api/events/{slug}/publish`,
`…/unpublish`, `…/cancel`, `/api/quiz/runs/{run_id}/{action}`, `…/players/{player_id}/remove`, `/api/quiz/join`,
`/api/resources/import`, `/api/events/{slug}/quizzes/import`) rather than changes of a resource's state field;
`DELETE /api/registrations/{token}` and `DELETE /api/resources/{id}` answer 200 with the final state instead of
204. Error bodies also repeat `status` as `status_code` and `errors` as `extra`, the shape before problem details.
"""

ERROR_ANSWERS = {
    400: "The request is not valid: the failing fields are in `errors`.",
    401: "Sign in first, or send a valid API token (`Authorization: Bearer …`).",
    403: "Signed in, but the role is too weak for this (another organisation's object is a 404).",
    404: "Nothing with this identifier, or not visible to the caller.",
    409: "The change conflicts with the current state (for instance full, closed or already done).",
    413: "The body is larger than allowed.",
    415: "The body's content type is not accepted.",
    429: "Too many requests from this address; `Retry-After` says when to try again.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
BODY_METHODS = {"POST", "PUT", "PATCH"}


def _rate_limited(path: str, method: str, handler: HTTPRouteHandler) -> bool:
    if handler.opt.get("rate_limit"):
        return True
    return any(method == limited and pattern.match(path) for _, limited, pattern in LIMITED_PATHS)


def error_statuses(path: str, method: str, handler: HTTPRouteHandler) -> list[int]:
    """The error answers an operation can give, by what the route is."""
    statuses = [400]
    if handler.resolve_guards() or handler.security:
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if method in WRITE_METHODS:
        statuses.append(409)
    if method in BODY_METHODS and "data" in handler.parsed_fn_signature.parameters:
        statuses += [413, 415]
    if _rate_limited(path, method, handler):
        statuses.append(429)
    return statuses


def describe_error_answers(app: Litestar) -> None:
    """Adds the problem details answers to every documented operation (before the document is first built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            for method in handler.http_methods:
                own = dict(handler.responses or {})
                statuses = {*error_statuses(route.path_format, method, handler), *(s for s in own if 400 <= s < 500)}
                for status in sorted(statuses):
                    # A handler's own description stays, in the one error shape the API answers with.
                    description = own[status].description if status in own else ERROR_ANSWERS[status]
                    own[status] = ResponseSpec(
                        data_container=Problem, description=description, media_type=PROBLEM_JSON,
                        generate_examples=False,
                    )
                handler.responses = own
