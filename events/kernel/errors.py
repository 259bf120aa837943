"""The one error type that services raise when a rule refuses a request.

The web layer turns it into a 4xx: JSON `{status_code, detail, extra: [{key, message}]}` under /api, an error page
(or the form again, when a route catches it) elsewhere. Messages are English msgids; pages show them in Dutch.
"""

from __future__ import annotations


class RuleViolation(Exception):
    status_code = 400

    def __init__(self, message: str, errors: dict[str, str] | None = None, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}  # field name -> message
        if status_code is not None:
            self.status_code = status_code


class NotFound(RuleViolation):
    status_code = 404


class Forbidden(RuleViolation):
    status_code = 403


class Conflict(RuleViolation):
    status_code = 409
