"""The participant's pages: the registration form and its result, the manage page (with its check-in code and
calendar links), cancelling, and the private calendar files (`invite.ics`, the personal feed)."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from events.kernel.errors import NotFound, RuleViolation
from events.kernel.sections import Section, sections_for
from events.programme import service as programme
from events.registration import calendar, service
from events.registration.routes.dependencies import (
    INVALID_LINK,
    ManageLinksDep,
    RegistrationDeskDep,
    by_token,
    form_context,
    public_event,
)
from events.registration.rows import QuestionRow, RegistrationRow
from events.registration.service import Applicant
from events.registration.tables import QuestionKind, RegistrationStatus
from events.web.csrf import CAPABILITY_URL
from events.web.deps import ClockDep, SettingsDep
from events.web.downloads import ICS, NO_STATE, calendar_response
from events.web.errors import TEXT_CHECKED_OPT
from events.web.i18n import language_of

PRIVATE_PAGE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}
# The registration form carries the visitor's own CSRF token: no shared cache may keep it.
FORM_PAGE = {"cache-control": "no-store"}


def applicant_from_form(form: Any, questions: list[QuestionRow], language: str) -> Applicant:
    answers: dict[str, Any] = {}
    for question in questions:
        key = f"q{question.id}"
        if question.kind == QuestionKind.MULTIPLE:
            answers[str(question.id)] = form.getall(key) if key in form else []
        else:
            answers[str(question.id)] = form.get(key, "")
    return Applicant(
        name=form.get("name", ""),
        email=form.get("email", ""),
        organisation=form.get("organisation", ""),
        answers=answers,
        language=language,
    )


@get("/events/{slug:str}/register", name="registration:form")
async def registration_form(slug: FromPath[str], clock: ClockDep) -> Template:
    event = await public_event(slug)
    return Template("registration/register.html", context=await form_context(event, clock.now()), headers=FORM_PAGE)


@post("/events/{slug:str}/register", name="registration:submit", opt=TEXT_CHECKED_OPT)
async def registration_submit(
    request: Request, slug: FromPath[str], clock: ClockDep, registration_desk: RegistrationDeskDep
) -> Response:
    event = await public_event(slug)
    now = clock.now()
    form = await request.form()
    questions = await service.questions_of(event["id"])
    applicant = applicant_from_form(form, questions, language_of(request))
    values = {key: (form.getall(key) if len(form.getall(key)) > 1 else form.get(key)) for key in form}
    try:
        outcome = await registration_desk.register(slug, applicant, now)
    except RuleViolation as exc:
        context = await form_context(event, now, values=values, errors=exc.errors)
        context["message"] = exc.message
        return Template("registration/register.html", context=context, status_code=exc.status_code, headers=FORM_PAGE)
    if outcome.token:
        return Redirect(path=f"/registrations/{outcome.token}?welcome=1", status_code=303)
    # Already registered: we never reveal the manage link to whoever typed an address; it goes by mail.
    return Template("registration/already.html", context={"event": event, "outcome": outcome})


def calendar_section(event: dict[str, Any], registration: RegistrationRow, token: str, sent: bool) -> Section:
    """The manage page's calendar links: the invitation (while there is one), and the button that mails the
    personal feed's link — whoever sees this page registered with the address, but only mail reaches its owner."""
    method = calendar.invitation_method(event, registration.status)
    return Section(
        "registration/_manage_calendar.html",
        {"invite_url": f"/registrations/{token}/invite.ics" if method else None, "method": method,
         "feed_mail_url": f"/registrations/{token}/calendar-link", "feed_sent": sent},
        order=50,
    )


async def recordings_section(event: dict[str, Any], registration: RegistrationRow, now: Any) -> Section | None:
    """The manage page's recordings: for a confirmed place, the released ones, registrants' ones included (sessions
    lie within the event, so before its start there is none)."""
    if registration.status != RegistrationStatus.CONFIRMED or now < event["starts_at"]:
        return None  # before the start no session has ended: nothing is released, no query
    parts = programme.recordings_by_part(event, await programme.sessions_of(event["id"]), now, registrant=True)
    return Section("registration/_manage_recordings.html", {"parts": parts, "event": event}, order=55) if parts else None


@get("/registrations/{token:str}", name="registration:manage", opt=CAPABILITY_URL)
async def manage_page(
    request: Request, token: FromPath[str], manage_links: ManageLinksDep, welcome: FromQuery[bool] = False,
    feed: FromQuery[str] = "",
) -> Template:
    found = await service.manage_view(token, manage_links)
    if found is None:
        raise NotFound(INVALID_LINK)
    row, event, join_link = found
    others = await sections_for("manage_page", event=event, registration=row, token=token, request=request)
    # the clock not as a second dependency: two or more are resolved in a task group
    recordings = await recordings_section(event, row, request.app.state.clock.now())
    sections = sorted(
        [calendar_section(event, row, token, feed == "sent"), *([recordings] if recordings else []), *others],
        key=lambda s: s.order,
    )
    return Template(
        "registration/manage.html",
        context={
            "event": event,
            "registration": row,
            "token": token,
            "welcome": welcome,
            "position": row.position,
            "answers": row.answers,
            "questions": await service.questions_of(event["id"]),
            # The join URL only for a confirmed place; never anywhere public. The button goes through the
            # personal join link, which records attendance.
            "join_url": service.join_url_for(event, row.status) or "",
            "join_link": join_link,
            "sections": sections,
        },
        headers=PRIVATE_PAGE,
    )


@get("/registrations/{token:str}/mail/{proof:str}", name="registration:from_mail", opt=CAPABILITY_URL)
async def from_mail(
    request: Request, token: FromPath[str], proof: FromPath[str], clock: ClockDep, manage_links: ManageLinksDep
) -> Redirect:
    """The manage link as mails carry it: the person behind the address confirmed this registration (not counted
    for a HEAD request, a prefetch or a link previewer); on to the manage page."""
    counts = not service.is_preview(request.method, dict(request.headers))
    await service.open_mail_link(token, proof, clock.now(), manage_links, counts)
    return Redirect(path=f"/registrations/{token}", status_code=303, headers=PRIVATE_PAGE)


@post("/registrations/{token:str}/calendar-link", name="registration:feed_mail", opt=CAPABILITY_URL)
async def feed_mail(token: FromPath[str], clock: ClockDep, manage_links: ManageLinksDep) -> Redirect:
    """Mails the personal feed's link to the registration's address."""
    await service.send_feed_link(token, clock.now(), manage_links)
    return Redirect(path=f"/registrations/{token}?feed=sent", status_code=303, headers=PRIVATE_PAGE)


@get("/registrations/{token:str}/check-in.svg", name="registration:qr", opt={"csrf_free": True, "skip_session": True})
async def check_in_qr(token: FromPath[str], settings: SettingsDep) -> Response:
    row = await by_token(token)
    if row.status != RegistrationStatus.CONFIRMED:
        raise NotFound("Only confirmed participants have a check-in code.")
    event = await programme.event_by_id(row.event_id)
    url = f"{settings.base_url}/organiser/events/{event['slug']}/registrations/{row.id}/scan"
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return Response(
        image.to_string(encoding="unicode"),
        media_type="image/svg+xml",
        headers={"cache-control": "private, no-store"},
    )


@get("/registrations/{token:str}/cancel", name="registration:cancel_confirm", opt=CAPABILITY_URL)
async def cancel_confirm(token: FromPath[str]) -> Template:
    row = await by_token(token)
    event = await programme.event_by_id(row.event_id)
    return Template(
        "registration/cancel.html",
        context={"event": event, "registration": row, "token": token},
        headers=PRIVATE_PAGE,
    )


@post("/registrations/{token:str}/cancel", name="registration:cancel", opt=CAPABILITY_URL)
async def cancel_submit(token: FromPath[str], clock: ClockDep, manage_links: ManageLinksDep) -> Redirect:
    await service.cancel_by_token(token, clock.now(), manage_links)
    return Redirect(path=f"/registrations/{token}", status_code=303)


@get("/registrations/{token:str}/invite.ics", opt=dict(NO_STATE), tags=["calendar"], summary="A participant's invitation", **ICS)
async def invite_ics(request: Request, token: FromPath[str], settings: SettingsDep, clock: ClockDep) -> Response:
    document = await calendar.invitation_download(
        token, settings.base_url, clock.now(), settings.secret_key, settings.mail_from
    )
    response = calendar_response(request, document, cache="private, no-store", disposition="attachment")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@get("/calendar/personal/{key:str}/feed.ics", opt=dict(NO_STATE), tags=["calendar"], summary="A participant's personal feed", **ICS)
async def personal_feed_ics(request: Request, key: FromPath[str], settings: SettingsDep, clock: ClockDep) -> Response:
    document = await calendar.personal_feed(
        key, settings.base_url, settings.secret_key, settings.default_language, clock.now(), settings.mail_from
    )
    # The feed opens the address's registrations: no cache stores it (calendar clients still get 304s by ETag).
    response = calendar_response(request, document, cache="private, no-store", disposition="inline")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


ROUTES = [
    invite_ics,
    personal_feed_ics,
    registration_form,
    registration_submit,
    manage_page,
    from_mail,
    feed_mail,
    check_in_qr,
    cancel_confirm,
    cancel_submit,
]
