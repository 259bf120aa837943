"""The organiser's back office of an event's registrations: the attendee list with its actions (check-in,
cancel, approve or reject, move, delete), the check-in page a code scans to, the CSV export, the questions editor,
and the mail that could not be delivered."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template

from events.accounts.service import CurrentUser
from events.kernel.clock import Clock
from events.kernel.errors import NotFound, RuleViolation
from events.mail import service as mail
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.registration import service
from events.registration.routes.dependencies import ManageLinksDep
from events.registration.tables import QuestionKind, RegistrationStatus
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.i18n import language_of

FILTERS = (*RegistrationStatus, service.CHECKED_IN)
FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _back(slug: str, status: str = "") -> Redirect:
    return Redirect(path=f"/organiser/events/{slug}/registrations" + (f"?status={status}" if status else ""), status_code=303)


@get("/organiser/events/{slug:str}/registrations", guards=[organiser_guard], name="registration:list")
async def attendee_list(
    current_user: CurrentUserDep,
    slug: FromPath[str],
    status: Annotated[str, QueryParameter(name="status")] = "",
    q: Annotated[str, QueryParameter(name="q")] = "",
) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    status = status if status in FILTERS else ""
    return Template(
        "registration/attendees.html",
        context={
            "event": event,
            "registrations": await service.registrations_of(event["id"], status or None, q),
            "counts": (await service.status_counts([event["id"]]))[event["id"]],
            "questions": await service.questions_of(event["id"]),
            "status": status,
            "q": q,
            "filters": FILTERS,
            "other_events": await service.move_targets(event),
        },
        headers={"cache-control": "no-store"},
    )


async def attendee_csv(request: Request, event: dict[str, Any], user: CurrentUser, clock: Clock) -> Response:
    """The export as a download (the page's link and the API's `?format=csv`)."""
    body = await service.export_csv(event, user, clock.now(), language_of(request))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="registrations-{event["slug"]}.csv"',
            "cache-control": "no-store",
        },
    )


@get("/organiser/events/{slug:str}/registrations/export", guards=[organiser_guard], name="registration:export")
async def export_page(request: Request, current_user: CurrentUserDep, slug: FromPath[str], clock: ClockDep) -> Response:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await attendee_csv(request, event, current_user, clock)


@get("/organiser/events/{slug:str}/registrations/{registration_id:int}/scan", guards=[organiser_guard],
     name="registration:check_in_page")
async def check_in_page(current_user: CurrentUserDep, slug: FromPath[str], registration_id: FromPath[int]) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    row = await service.registration_of_event(event["id"], registration_id)
    return Template("registration/check_in.html", context={"event": event, "registration": row})


@post("/organiser/events/{slug:str}/registrations/{registration_id:int}/{action:str}", guards=[organiser_guard],
      name="registration:action")
async def registration_action(
    current_user: CurrentUserDep,
    clock: ClockDep,
    manage_links: ManageLinksDep,
    slug: FromPath[str],
    registration_id: FromPath[int],
    action: FromPath[str],
    data: FormBody,
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    now = clock.now()
    if action == "check-in":
        await service.set_checked_in(event, registration_id, data.get("undo") != "1", now, by=current_user)
        if data.get("from") == "scan":
            return Redirect(path=f"/organiser/events/{slug}/registrations/{registration_id}/scan", status_code=303)
    elif action == "cancel":
        await service.registration_of_event(event["id"], registration_id)
        await service.cancel_registration(registration_id, now, manage_links, by=current_user)
    elif action in ("approve", "reject"):
        await service.decide(event, registration_id, action == "approve", now, manage_links, by=current_user)
    elif action == "move":
        try:
            target = int(data.get("target", ""))
        except ValueError:
            raise RuleViolation("Choose another event.", errors={"target": "Choose another event."}) from None
        await service.move_registration(event, registration_id, target, current_user, now, manage_links)
    elif action == "delete":
        await service.delete_registration(event, registration_id, current_user, now, manage_links)
    else:
        raise NotFound("Page not found")
    return _back(slug, data.get("status", ""))


def _questions_page(event: dict[str, Any], questions: list, errors: dict, values: dict, status_code: int = 200) -> Template:
    return Template(
        "registration/questions.html",
        context={"event": event, "questions": questions, "errors": errors, "values": values, "kinds": tuple(QuestionKind)},
        status_code=status_code,
    )


@get("/organiser/events/{slug:str}/questions", guards=[organiser_guard], name="registration:questions")
async def questions_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return _questions_page(event, await service.questions_of(event["id"]), {}, {})


@post("/organiser/events/{slug:str}/questions", guards=[organiser_guard], name="registration:question_add")
async def question_add(current_user: CurrentUserDep, slug: FromPath[str], data: FormBody) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        await service.add_question(
            event["id"], data.get("label", ""), data.get("kind", ""), data.get("options", ""), data.get("required") == "on"
        )
    except RuleViolation as exc:
        return _questions_page(event, await service.questions_of(event["id"]), exc.errors, data, status_code=400)
    return Redirect(path=f"/organiser/events/{slug}/questions", status_code=303)


@post("/organiser/events/{slug:str}/questions/{question_id:int}/{action:str}", guards=[organiser_guard],
      name="registration:question_action")
async def question_action(
    current_user: CurrentUserDep, slug: FromPath[str], question_id: FromPath[int], action: FromPath[str], data: FormBody
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    if action == "edit":
        await service.update_question(
            event["id"], question_id, data.get("label", ""), data.get("kind", ""), data.get("options", ""),
            data.get("required") == "on",
        )
    elif action == "delete":
        await service.delete_question(event["id"], question_id)
    elif action in ("up", "down"):
        await service.move_question(event["id"], question_id, action == "up")
    else:
        raise NotFound("Page not found")
    return Redirect(path=f"/organiser/events/{slug}/questions", status_code=303)


@get("/organiser/events/{slug:str}/mail", guards=[organiser_guard], name="mail:failed")
async def failed_mail_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return Template(
        "registration/failed_mail.html",
        context={
            "event": event,
            "messages": await mail.failed_messages(event["id"]),
            "counts": await mail.mail_counts(event["id"]),
        },
        headers={"cache-control": "no-store"},
    )


@post("/organiser/events/{slug:str}/mail/retry", guards=[organiser_guard], name="mail:retry")
async def retry_failed_mail(current_user: CurrentUserDep, clock: ClockDep, slug: FromPath[str], data: FormBody) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    message_id = int(data["message"]) if data.get("message", "").isdigit() else None
    await mail.retry_failed(event["id"], message_id, clock.now())
    return Redirect(path=f"/organiser/events/{slug}/mail", status_code=303)


ROUTES = [
    attendee_list,
    export_page,
    check_in_page,
    registration_action,
    questions_page,
    question_add,
    question_action,
    failed_mail_page,
    retry_failed_mail,
]
