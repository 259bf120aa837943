"""The organiser's API for one registration and for the registration questions: what the attendee list and the
questions editor of the back office do (approve, refuse, promote, cancel for the participant, check in and undo,
move, delete, send the manage link again; add, change, delete and order questions), over the same services, with
the same role checks: viewers read, editors change; another organisation's event is a 404."""

from __future__ import annotations

from litestar import Response, delete, get, post, put
from litestar.params import FromPath, JSONBody
from msgspec import Struct

from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.mail import service as mail
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.registration import service
from events.registration.routes.api import list_item
from events.registration.routes.dependencies import ManageLinksDep
from events.registration.rows import QuestionRow
from events.registration.schemas import (
    LinkSent,
    MoveIn,
    PromoteIn,
    QuestionIn,
    QuestionMove,
    QuestionOut,
    RegistrationListItem,
)
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep
from events.web.pagination import PAGE_HEADERS, PagingDep

ONE = "/api/events/{slug:str}/registrations/{registration_id:int}"
QUESTIONS = "/api/events/{slug:str}/questions"
ORGANISER = {"tags": ["registration"], "guards": [organiser_guard], "security": [{"BearerToken": []}]}
OTHER_EVENT = N_("Choose another event of yours.")
DIRECTION = N_("Choose up or down.")


async def _item(event_id: int, registration_id: int) -> RegistrationListItem:
    """The registration as the attendee list shows it (its waiting-list place included)."""
    return list_item(await service.registration_of_event(event_id, registration_id, with_position=True))


@get(ONE, summary="One registration of your event", **ORGANISER)
async def api_registration_of_event(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await _item(event["id"], registration_id)


@post(ONE + "/approve", status_code=200, summary="Approve a registration that waits for approval (a place, or the "
      "waiting list when full); the person is told", **ORGANISER)
async def api_approve(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    await service.decide(event, registration_id, True, clock.now(), manage_links, by=current_user)
    return await _item(event["id"], registration_id)


@post(ONE + "/refuse", status_code=200, summary="Refuse a registration that waits for approval; the person is told",
      **ORGANISER)
async def api_refuse(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    await service.decide(event, registration_id, False, clock.now(), manage_links, by=current_user)
    return await _item(event["id"], registration_id)


@post(ONE + "/promote", status_code=200, summary="Give a waitlisted person a place now, ahead of the queue "
      "(409 when full, unless over_capacity); the person is told", **ORGANISER)
async def api_promote(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep, data: JSONBody[PromoteIn | None] = None,
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    over = bool(data and data.over_capacity)
    await service.promote_registration(event, registration_id, clock.now(), manage_links, current_user, over)
    return await _item(event["id"], registration_id)


@post(ONE + "/cancel", status_code=200, summary="Cancel a registration for the participant (they are told; a freed "
      "place goes to the waiting list)", **ORGANISER)
async def api_cancel_for_participant(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    await service.registration_of_event(event["id"], registration_id)
    await service.cancel_registration(registration_id, clock.now(), manage_links, by=current_user)
    return await _item(event["id"], registration_id)


@post(ONE + "/check-in", status_code=200, summary="Check a confirmed participant in", **ORGANISER)
async def api_check_in(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    await service.set_checked_in(event, registration_id, True, clock.now(), by=current_user)
    return await _item(event["id"], registration_id)


@delete(ONE + "/check-in", status_code=200, summary="Undo a check-in", **ORGANISER)
async def api_undo_check_in(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    await service.set_checked_in(event, registration_id, False, clock.now(), by=current_user)
    return await _item(event["id"], registration_id)


@post(ONE + "/move", status_code=200, summary="Move a registration to another published event of the organisation "
      "(a place there if free, else its waiting list); answers the registration at the other event", **ORGANISER)
async def api_move(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep, data: JSONBody[MoveIn],
) -> RegistrationListItem:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        target = await programme.event_for_organiser(data.target, current_user)
    except NotFound:
        raise RuleViolation(OTHER_EVENT, {"target": OTHER_EVENT}) from None
    await service.registration_of_event(event["id"], registration_id)
    await service.move_registration(event, registration_id, target["id"], current_user, clock.now(), manage_links)
    return await _item(target["id"], registration_id)


@post(ONE + "/resend", status_code=202, summary="Mail the manage link to the participant again (at most every five "
      "minutes); the answer says where it went, never the link", **ORGANISER)
async def api_resend_link(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> LinkSent:
    event = await programme.event_for_organiser(slug, current_user)
    row = await service.resend_manage_link(event, registration_id, clock.now(), manage_links, current_user)
    return LinkSent(sent_to=row.email, message=f"sent to {row.email}")


@delete(ONE, status_code=204, summary="Erase a registration for good (e.g. a data-subject request); audited",
        **ORGANISER)
async def api_delete_registration(
    slug: FromPath[str], registration_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    manage_links: ManageLinksDep,
) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await service.delete_registration(event, registration_id, current_user, clock.now(), manage_links)


# --- registration questions ---------------------------------------------------------------------------------------


def question_out(question: QuestionRow) -> QuestionOut:
    return QuestionOut(id=question.id, position=question.position, label=question.label, kind=str(question.kind),
                       options=question.choices, required=question.required)


async def _question(event_id: int, question_id: int) -> QuestionOut:
    found = next((q for q in await service.questions_of(event_id) if q.id == question_id), None)
    if found is None:
        raise NotFound(N_("This question does not exist."))
    return question_out(found)


@get(QUESTIONS, summary="The registration form's own questions, in order (paginated)", response_headers=PAGE_HEADERS,
     **ORGANISER)
async def api_questions(slug: FromPath[str], current_user: CurrentUserDep, paging: PagingDep) -> Response[list[QuestionOut]]:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return paging.answer_all([question_out(q) for q in await service.questions_of(event["id"])])


@post(QUESTIONS, status_code=201, summary="Add a question at the end of the registration form", **ORGANISER)
async def api_add_question(slug: FromPath[str], current_user: CurrentUserDep, data: JSONBody[QuestionIn]) -> QuestionOut:
    event = await programme.event_for_organiser(slug, current_user)
    question_id = await service.add_question(event["id"], data.label, data.kind, "\n".join(data.options), data.required)
    return await _question(event["id"], question_id)


@get(QUESTIONS + "/{question_id:int}", summary="One registration question", **ORGANISER)
async def api_question(slug: FromPath[str], question_id: FromPath[int], current_user: CurrentUserDep) -> QuestionOut:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await _question(event["id"], question_id)


@put(QUESTIONS + "/{question_id:int}", summary="Replace a registration question (answers given keep their value)",
     **ORGANISER)
async def api_replace_question(
    slug: FromPath[str], question_id: FromPath[int], current_user: CurrentUserDep, data: JSONBody[QuestionIn]
) -> QuestionOut:
    event = await programme.event_for_organiser(slug, current_user)
    await service.update_question(event["id"], question_id, data.label, data.kind, "\n".join(data.options), data.required)
    return await _question(event["id"], question_id)


@delete(QUESTIONS + "/{question_id:int}", status_code=204, summary="Delete a registration question", **ORGANISER)
async def api_delete_question(slug: FromPath[str], question_id: FromPath[int], current_user: CurrentUserDep) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await service.delete_question(event["id"], question_id)


@post(QUESTIONS + "/{question_id:int}/move", status_code=200, summary="Move a question one place up or down; "
      "answers the questions in their new order", **ORGANISER)
async def api_move_question(
    slug: FromPath[str], question_id: FromPath[int], current_user: CurrentUserDep, data: JSONBody[QuestionMove]
) -> list[QuestionOut]:
    event = await programme.event_for_organiser(slug, current_user)
    if data.direction not in ("up", "down"):
        raise RuleViolation(DIRECTION, {"direction": DIRECTION})
    await service.move_question(event["id"], question_id, data.direction == "up")
    return [question_out(q) for q in await service.questions_of(event["id"])]


class MailRetry(Struct):
    message_id: int | None = None  # one failed message of the event; without it, every failed message


class MailRetried(Struct):
    requeued: int


@post("/api/events/{slug:str}/mail/retry", status_code=200, summary="Put the event's failed mails back in the "
      "queue (all, or the one `message_id`), as the mail page's button does", **ORGANISER)
async def api_retry_failed_mail(
    slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, data: JSONBody[MailRetry],
) -> MailRetried:
    event = await programme.event_for_organiser(slug, current_user)
    return MailRetried(requeued=await mail.retry_failed(event["id"], data.message_id, clock.now()))


ROUTES = [
    api_retry_failed_mail,
    api_registration_of_event, api_approve, api_refuse, api_promote, api_cancel_for_participant, api_check_in,
    api_undo_check_in, api_move, api_resend_link, api_delete_registration,
    api_questions, api_add_question, api_question, api_replace_question, api_delete_question, api_move_question,
]
