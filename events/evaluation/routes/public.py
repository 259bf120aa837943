"""The participant's evaluation page, reached with the manage token: the form, its errors, the thank-you page, and
the page that says it was already answered (also to a second, concurrent submission)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from events.evaluation import service
from events.kernel.errors import Conflict, NotFound, RuleViolation
from events.programme import service as programme
from events.registration import service as registration
from events.registration.rows import RegistrationRow
from events.web.deps import ClockDep
from events.web.i18n import language_of

PRIVATE_PAGE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}


async def _registration(token: str) -> tuple[RegistrationRow, dict[str, Any]]:
    row = await registration.registration_by_token(token)
    event = await programme.event_by_id(row.event_id) if row else None
    if row is None or event is None:
        raise NotFound("This link is not valid (any more).")
    return row, event


def _page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(f"evaluation/{name}.html", context=context, status_code=status_code, headers=PRIVATE_PAGE)


async def _form(request: Request, event: dict[str, Any], token: str, values: Any = None, errors: dict | None = None,
                status_code: int = 200) -> Template:
    return _page("form", status_code, event=event, token=token, questions=await service.questions_of(event["id"]),
                 language=language_of(request), values=values or {}, errors=errors or {})


@get("/registrations/{token:str}/evaluation", name="evaluation:form")
async def evaluation_form(request: Request, token: FromPath[str], clock: ClockDep) -> Template:
    row, event = await _registration(token)
    if await service.has_answered(row.id):
        return _page("answered", event=event, token=token)
    reason = await service.closed_reason(event, row, clock.now())
    if reason:
        return _page("closed", 403, event=event, token=token, reason=reason)
    return await _form(request, event, token)


@post("/registrations/{token:str}/evaluation", name="evaluation:answer")
async def evaluation_answer(request: Request, token: FromPath[str], clock: ClockDep) -> Template:
    row, event = await _registration(token)
    form = await request.form()
    try:
        await service.answer(event, row, form, consent=bool(form.get("consent")), now=clock.now())
    except Conflict:
        return _page("answered", 409, event=event, token=token)
    except RuleViolation as exc:
        if exc.status_code == 403:
            return _page("closed", 403, event=event, token=token, reason=exc.message)
        values = {key: form.get(key) for key in form}
        return await _form(request, event, token, values, exc.errors, status_code=400)
    return _page("thanks", event=event, token=token, consent=bool(form.get("consent")))


ROUTES = [evaluation_form, evaluation_answer]
