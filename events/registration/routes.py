"""Registration pages and API: the form and its result, the manage page, the organiser's attendee list,
check-in, CSV export, the questions editor and approval; plus the panels on the programme's pages."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

import qrcode
import qrcode.image.svg
from litestar import Litestar, Request, Response, delete, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template

from events.ical.build import translate
from events.ical.document import webcal
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.sections import Section, provides
from events.programme import service as programme
from events.programme.tables import Event
from events.registration import calendar, service
from events.registration.schemas import (
    RegistrationAnswer,
    RegistrationIn,
    RegistrationListItem,
    RegistrationView,
)
from events.registration.service import Applicant, Site
from events.registration.writer import RegistrationWriter
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.downloads import ICS, NO_STATE, PRIVATE_CACHE, calendar_response
from events.web.i18n import language_of

FILTERS = ("confirmed", "waitlisted", "pending", "cancelled", "rejected", "checked_in")


def _site(request: Request) -> Site:
    return Site.from_settings(request.app.state.settings)


def _writer(request: Request) -> RegistrationWriter | None:
    return request.app.state.get("registration_writer")


async def _register(request: Request, slug: str, applicant: Applicant, now) -> service.Outcome:
    writer = _writer(request)
    if writer is not None:
        return await writer.register(slug, applicant, now)
    return await service.register(slug, applicant, now, _site(request))


async def _public_event(slug: str) -> dict[str, Any]:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound("No event with this address")
    return event


async def _form_context(event: dict[str, Any], now, values: dict | None = None, errors: dict | None = None) -> dict:
    return {
        "event": event,
        "questions": await service.questions_of(event["id"]),
        "closed_reason": service.registration_closed_reason(event, now),
        "places_left": await service.places_left(event),
        "values": values or {},
        "errors": errors or {},
    }


# --- panels on other domains' pages ------------------------------------------------------------------------


@provides("event_page")
async def event_page_panel(event: dict[str, Any], request: Request, current_user: Any = None, **_: Any) -> Section:
    return Section(
        template="registration/_event_panel.html",
        context=await _form_context(event, request.app.state.clock.now()),
        order=10,
    )


@provides("organiser_event_list")
async def organiser_event_list_panel(events: list[dict[str, Any]], request: Request, **_: Any) -> Section:
    counts = await service.status_counts([e["id"] for e in events])
    return Section(
        template="",
        context={
            "columns": ["Confirmed", "Waiting list", "Capacity"],
            "values": {
                e["id"]: [counts[e["id"]]["confirmed"], counts[e["id"]]["waitlisted"],
                          e["capacity"] if e["capacity"] is not None else "∞"]
                for e in events
            },
        },
    )


@provides("organiser_event")
async def organiser_event_panel(event: dict[str, Any], request: Request, **_: Any) -> Section:
    from events.mail import service as mail

    counts = (await service.status_counts([event["id"]]))[event["id"]]
    return Section(
        template="registration/_organiser_panel.html",
        context={"event": event, "counts": counts, "mail": await mail.mail_counts(event["id"])},
        order=10,
    )


# --- registering (HTML) ------------------------------------------------------------------------------------


def _applicant_from_form(form: Any, questions: list[dict[str, Any]], language: str) -> Applicant:
    answers: dict[str, Any] = {}
    for question in questions:
        key = f"q{question['id']}"
        if question["kind"] == "multiple":
            answers[str(question["id"])] = form.getall(key) if key in form else []
        else:
            answers[str(question["id"])] = form.get(key, "")
    return Applicant(
        name=form.get("name", ""),
        email=form.get("email", ""),
        organisation=form.get("organisation", ""),
        answers=answers,
        language=language,
    )


@get("/events/{slug:str}/register", name="registration:form")
async def registration_form(request: Request, slug: FromPath[str], clock: ClockDep) -> Template:
    event = await _public_event(slug)
    return Template("registration/register.html", context=await _form_context(event, clock.now()))


@post("/events/{slug:str}/register", name="registration:submit")
async def registration_submit(request: Request, slug: FromPath[str], clock: ClockDep) -> Response:
    event = await _public_event(slug)
    now = clock.now()
    form = await request.form()
    questions = await service.questions_of(event["id"])
    applicant = _applicant_from_form(form, questions, language_of(request))
    values = {key: (form.getall(key) if len(form.getall(key)) > 1 else form.get(key)) for key in form}
    try:
        outcome = await _register(request, slug, applicant, now)
    except RuleViolation as exc:
        context = await _form_context(event, now, values=values, errors=exc.errors)
        context["message"] = exc.message
        return Template("registration/register.html", context=context, status_code=exc.status_code)
    if outcome.token:
        return Redirect(path=f"/registrations/{outcome.token}?welcome=1", status_code=303)
    # Already registered: we never reveal the manage link to whoever typed an address; it goes by mail.
    return Template("registration/already.html", context={"event": event, "outcome": outcome})


# --- the manage page ---------------------------------------------------------------------------------------


def _join_url(event: dict[str, Any], registration: dict[str, Any]) -> str | None:
    """The online join URL, only for a confirmed place at a published online or hybrid event."""
    if registration["status"] != "confirmed" or event["status"] != "published" or event["format"] == "onsite":
        return None
    return event["join_url"] or None


async def _by_token(token: str) -> dict[str, Any]:
    row = await service.registration_by_token(token)
    if row is None:
        raise NotFound("This link is not valid (any more).")
    return row


@get("/registrations/{token:str}", name="registration:manage")
async def manage_page(request: Request, token: FromPath[str], clock: ClockDep, welcome: FromQuery[bool] = False) -> Template:
    from events.kernel.sections import sections_for

    row = await _by_token(token)
    event = await programme.event_by_id(row["event"])
    sections = await sections_for("manage_page", event=event, registration=row, token=token, request=request)
    return Template(
        "registration/manage.html",
        context={
            "event": event,
            "registration": row,
            "token": token,
            "welcome": welcome,
            "position": await service.waitlist_position(row),
            "answers": service.decoded_answers(row),
            "questions": await service.questions_of(event["id"]),
            # The join URL only for a confirmed place; never anywhere public.
            "join_url": _join_url(event, row) or "",
            "sections": sections,
        },
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )


@get("/registrations/{token:str}/check-in.svg", name="registration:qr", opt={"csrf_free": True, "skip_session": True})
async def check_in_qr(request: Request, token: FromPath[str]) -> Response:
    row = await _by_token(token)
    if row["status"] != "confirmed":
        raise NotFound("Only confirmed participants have a check-in code.")
    event = await programme.event_by_id(row["event"])
    url = f"{request.app.state.settings.base_url}/organiser/events/{event['slug']}/registrations/{row['id']}/scan"
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return Response(
        image.to_string(encoding="unicode"),
        media_type="image/svg+xml",
        headers={"cache-control": "private, no-store"},
    )


@get("/registrations/{token:str}/cancel", name="registration:cancel_confirm")
async def cancel_confirm(token: FromPath[str]) -> Template:
    row = await _by_token(token)
    event = await programme.event_by_id(row["event"])
    return Template(
        "registration/cancel.html",
        context={"event": event, "registration": row, "token": token},
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )


@post("/registrations/{token:str}/cancel", name="registration:cancel")
async def cancel_submit(request: Request, token: FromPath[str], clock: ClockDep) -> Redirect:
    await service.cancel_by_token(token, clock.now(), _site(request))
    return Redirect(path=f"/registrations/{token}", status_code=303)


# --- organiser: attendee list ------------------------------------------------------------------------------


def _back(slug: str, status: str = "") -> Redirect:
    return Redirect(path=f"/organiser/events/{slug}/registrations" + (f"?status={status}" if status else ""), status_code=303)


@get("/organiser/events/{slug:str}/registrations", guards=[organiser_guard], name="registration:list")
async def attendee_list(
    current_user: CurrentUserDep,
    slug: FromPath[str],
    status: Annotated[str, QueryParameter(name="status")] = "",
    q: Annotated[str, QueryParameter(name="q")] = "",
) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    status = status if status in FILTERS else ""
    others = await Event.select(Event.id, Event.title, Event.slug).where(
        (Event.organiser == event["organiser"]) & (Event.id != event["id"]) & (Event.status == "published")
    ).order_by(Event.starts_at)
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
            "other_events": others,
        },
        headers={"cache-control": "no-store"},
    )


@get("/organiser/events/{slug:str}/registrations/export", guards=[organiser_guard], name="registration:export")
async def export_page(request: Request, current_user: CurrentUserDep, slug: FromPath[str], clock: ClockDep) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    return _csv_response(event, await service.export_csv(event, current_user, clock.now(), language_of(request)))


def _csv_response(event: dict[str, Any], body: bytes) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="registrations-{event["slug"]}.csv"',
            "cache-control": "no-store",
        },
    )


@get("/organiser/events/{slug:str}/registrations/{registration_id:int}/scan", guards=[organiser_guard],
     name="registration:check_in_page")
async def check_in_page(current_user: CurrentUserDep, slug: FromPath[str], registration_id: FromPath[int]) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    row = await service.registration_of_event(event["id"], registration_id)
    return Template("registration/check_in.html", context={"event": event, "registration": row})


FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


@post("/organiser/events/{slug:str}/registrations/{registration_id:int}/{action:str}", guards=[organiser_guard],
      name="registration:action")
async def registration_action(
    request: Request,
    current_user: CurrentUserDep,
    clock: ClockDep,
    slug: FromPath[str],
    registration_id: FromPath[int],
    action: FromPath[str],
    data: FormBody,
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    now, site = clock.now(), _site(request)
    if action == "check-in":
        await service.set_checked_in(event, registration_id, data.get("undo") != "1", now)
        if data.get("from") == "scan":
            return Redirect(path=f"/organiser/events/{slug}/registrations/{registration_id}/scan", status_code=303)
    elif action == "cancel":
        await service.registration_of_event(event["id"], registration_id)
        await service.cancel_registration(registration_id, now, site, by_organiser=True)
    elif action in ("approve", "reject"):
        await service.decide(event, registration_id, action == "approve", now, site)
    elif action == "move":
        try:
            target = int(data.get("target", ""))
        except ValueError:
            raise RuleViolation("Choose another event.", errors={"target": "Choose another event."}) from None
        await service.move_registration(event, registration_id, target, current_user, now, site)
    elif action == "delete":
        await service.delete_registration(event, registration_id, current_user, now, site)
    else:
        raise NotFound("Page not found")
    return _back(slug, data.get("status", ""))


# --- organiser: the event's questions ----------------------------------------------------------------------


@get("/organiser/events/{slug:str}/questions", guards=[organiser_guard], name="registration:questions")
async def questions_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return Template(
        "registration/questions.html",
        context={"event": event, "questions": await service.questions_of(event["id"]), "errors": {}, "values": {},
                 "kinds": service.QUESTION_KINDS},
    )


@post("/organiser/events/{slug:str}/questions", guards=[organiser_guard], name="registration:question_add")
async def question_add(current_user: CurrentUserDep, slug: FromPath[str], data: FormBody) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        await service.add_question(
            event["id"], data.get("label", ""), data.get("kind", ""), data.get("options", ""), data.get("required") == "on"
        )
    except RuleViolation as exc:
        return Template(
            "registration/questions.html",
            context={"event": event, "questions": await service.questions_of(event["id"]), "errors": exc.errors,
                     "values": data, "kinds": service.QUESTION_KINDS},
            status_code=400,
        )
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


# --- API ---------------------------------------------------------------------------------------------------


def _view(outcome: service.Outcome) -> RegistrationView:
    return RegistrationView(
        id=outcome.id, status=outcome.status, position=outcome.position, token=outcome.token,
        manage_url=outcome.manage_url,
    )


# Public API calls need no session: skipping it spares a session-store write (and a cookie) per registration.
PUBLIC_API = {"skip_session": True}


@post("/api/events/{slug:str}/registrations", tags=["registration"], status_code=201, name="api:register", opt=PUBLIC_API)
async def api_register(request: Request, slug: FromPath[str], data: JSONBody[RegistrationIn], clock: ClockDep) -> Response:
    """Register for an event. 201 when created; 200 with the existing registration (no token: the manage link
    is mailed again instead) when this e-mail is already registered; 409 when closed; 400 with failing fields."""
    answers: dict[str, Any] = {}
    for key, value in (data.answers or {}).items():
        answers[key[1:] if key.startswith("q") else key] = value
    applicant = Applicant(
        name=data.name, email=data.email, organisation=data.organisation or "", answers=answers, language=data.language
    )
    outcome = await _register(request, slug, applicant, clock.now())
    return Response(_view(outcome), status_code=201 if outcome.created else 200)


@get("/api/registrations/{token:str}", tags=["registration"], name="api:registration", opt=PUBLIC_API)
async def api_registration(token: FromPath[str]) -> RegistrationAnswer:
    row = await _by_token(token)
    event = await programme.event_by_id(row["event"])
    return RegistrationAnswer(
        id=row["id"],
        status=row["status"],
        position=await service.waitlist_position(row),
        event_slug=event["slug"],
        event_title=event["title"],
        name=row["name"],
        email=row["email"],
        organisation=row["organisation"],
        answers=service.decoded_answers(row),
        checked_in=row["checked_in_at"] is not None,
        join_url=_join_url(event, row),
    )


@delete("/api/registrations/{token:str}", tags=["registration"], status_code=200, name="api:cancel", opt=PUBLIC_API)
async def api_cancel(request: Request, token: FromPath[str], clock: ClockDep) -> RegistrationView:
    row = await service.cancel_by_token(token, clock.now(), _site(request))
    return RegistrationView(id=row["id"], status=row["status"], position=None, token=None, manage_url=None)


@get("/api/events/{slug:str}/registrations", tags=["registration"], guards=[organiser_guard], name="api:registrations")
async def api_registrations(
    request: Request,
    current_user: CurrentUserDep,
    slug: FromPath[str],
    clock: ClockDep,
    format_: Annotated[str, QueryParameter(name="format")] = "json",
    status: Annotated[str, QueryParameter(name="status")] = "",
) -> Response:
    """The attendee list of an event you organise; `?format=csv` for the Excel export."""
    event = await programme.event_for_organiser(slug, current_user)
    if format_ == "csv":
        return _csv_response(event, await service.export_csv(event, current_user, clock.now(), language_of(request)))
    rows = await service.registrations_of(event["id"], status if status in FILTERS else None)
    return Response(
        [
            RegistrationListItem(
                id=r["id"], status=r["status"], position=r.get("position"), name=r["name"], email=r["email"],
                organisation=r["organisation"], answers=r["answers_map"], registered_at=r["created_at"],
                checked_in_at=r["checked_in_at"],
            )
            for r in rows
        ]
    )


# --- the programme's changes --------------------------------------------------------------------------------

_listener_site: Site | None = None  # set at start-up; the programme's hook passes no settings


@programme.on_event_delete
async def keep_events_with_registrations(event: dict[str, Any]) -> str | None:
    """People who registered are never erased with an event (unpublishing made it a draft again): cancel it."""
    if await service.has_registrations(event["id"]):
        return N_("People have registered for this event, so it cannot be deleted; cancel it instead")
    return None


def _hook_site() -> Site:
    """The programme's hooks pass no settings: the site from start-up (or the environment's, outside the app)."""
    from events.kernel.settings import Settings

    return _listener_site or Site.from_settings(Settings.from_env())


@programme.on_calendar_change
async def tell_registrants(event: dict[str, Any], changed: frozenset[str], now: Any) -> None:
    await service.on_event_change(event, changed, now, _hook_site())


@programme.on_event_update
async def fill_raised_capacity(event: dict[str, Any], changed: frozenset[str], now: Any) -> None:
    """More places (or no limit any more): the first waitlisted people are promoted, in order, and told, in the
    transaction of the edit (the worker's sweep stays as a safety net)."""
    if "capacity" in changed:
        await service.promote_from_waitlist(event["id"], now, _hook_site())


# --- the writer's lifetime ---------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def registration_writer(app: Litestar) -> AsyncIterator[None]:
    global _listener_site
    _listener_site = Site.from_settings(app.state.settings)
    writer = RegistrationWriter(_listener_site)
    await writer.start()
    app.state.registration_writer = writer
    try:
        yield
    finally:
        app.state.registration_writer = None
        await writer.stop()


# --- calendar files -----------------------------------------------------------------------------------------


@get("/registrations/{token:str}/invite.ics", opt=dict(NO_STATE), tags=["calendar"], summary="A participant's invitation", **ICS)
async def invite_ics(request: Request, token: FromPath[str], settings: SettingsDep, clock: ClockDep) -> Response:
    document = await calendar.invitation_download(token, settings.base_url, clock.now())
    response = calendar_response(request, document, cache="private, no-store", disposition="attachment")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@get("/calendar/personal/{key:str}/feed.ics", opt=dict(NO_STATE), tags=["calendar"], summary="A participant's personal feed", **ICS)
async def personal_feed_ics(request: Request, key: FromPath[str], settings: SettingsDep) -> Response:
    registration = await calendar.registration_by_feed_key(key, settings.secret_key)
    language = (registration or {}).get("language") or settings.default_language
    name = translate(language, N_("My events"))
    document = await calendar.personal_feed(key, settings.base_url, settings.secret_key, name)
    response = calendar_response(request, document, cache=PRIVATE_CACHE, disposition="inline")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@provides("manage_page")
async def calendar_on_manage_page(event: dict[str, Any], registration: dict[str, Any], token: str, request: Request, **_: Any) -> Section | None:
    settings = request.app.state.settings
    method = calendar.invitation_method(event, registration)
    key = calendar.feed_key(registration, settings.secret_key)
    feed = f"{settings.base_url.rstrip('/')}/calendar/personal/{key}/feed.ics"
    return Section(
        "ical/_manage_calendar.html",
        {
            "invite_url": f"/registrations/{token}/invite.ics" if method else None,
            "method": method,
            "feed_url": feed,
            "webcal_url": webcal(feed),
        },
        order=50,
    )


ROUTES = [
    invite_ics,
    personal_feed_ics,
    registration_form,
    registration_submit,
    manage_page,
    check_in_qr,
    cancel_confirm,
    cancel_submit,
    attendee_list,
    export_page,
    check_in_page,
    registration_action,
    questions_page,
    question_add,
    question_action,
    api_register,
    api_registration,
    api_cancel,
    api_registrations,
]
LIFESPAN = [registration_writer]
