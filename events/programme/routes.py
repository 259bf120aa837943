"""The programme on the web: the public site (home, archive, event, session and speaker pages, privacy), the
organiser's back office (events, status changes, the programme editor, speakers) and the `/api/events` API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from litestar import Request, Response, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from msgspec import Struct

from events.ical.build import translate
from events.ical.document import webcal
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_, gettext_for
from events.kernel.sections import Section, provides, sections_for
from events.programme import calendar
from events.programme import service as programme
from events.programme.schemas import (
    EventPatch,
    EventWrite,
    OrganiserEvent,
    PublicEvent,
    PublicEventDetail,
    PublicSession,
    SessionPatch,
    SessionWrite,
    SpeakerAdd,
    SpeakerAdded,
    sent_fields,
)
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, MaybeUserDep, SettingsDep
from events.web.downloads import ICS, NO_STATE, PUBLIC_CACHE, calendar_response
from events.web.i18n import language_of

API_TAGS = ["programme"]
ORGANISER_SECURITY = [{"BearerToken": []}]
FORM = RequestEncodingType.URL_ENCODED

KIND_LABELS = {"conference": N_("Conference"), "webinar": N_("Webinar"), "festival": N_("Festival")}
FORMAT_LABELS = {"online": N_("Online"), "onsite": N_("On location"), "hybrid": N_("Hybrid")}
STATUS_LABELS = {"draft": N_("Draft"), "published": N_("Published"), "cancelled": N_("Cancelled")}
SESSION_KIND_LABELS = {
    "talk": N_("Talk"), "panel": N_("Panel"), "workshop": N_("Workshop"), "quiz": N_("Quiz"), "break": N_("Break"),
}
ACTION_TEXTS = {
    "publish": (N_("Publish this event?"), N_("The event becomes visible to everyone and registration can start."), N_("Publish")),
    "unpublish": (N_("Take this event offline?"), N_("The event page disappears for the public; registrations are kept."), N_("Take offline")),
    "cancel": (N_("Cancel this event?"), N_("The event stays visible as cancelled; calendars of participants are updated."), N_("Cancel the event")),
}
LABELS = {
    "kinds": KIND_LABELS, "formats": FORMAT_LABELS, "statuses": STATUS_LABELS, "session_kinds": SESSION_KIND_LABELS,
}


def _translated(request: Request, errors: dict[str, str]) -> dict[str, str]:
    language = language_of(request)
    return {field: gettext_for(language, message) for field, message in errors.items()}


def _local_input(moment: datetime | None, tz_name: str) -> str:
    """A UTC instant as the value of a datetime-local field, in the event's timezone."""
    return moment.astimezone(ZoneInfo(tz_name)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _kind_filter(kind: str | None) -> str | None:
    return kind if kind in programme.KINDS else None


# --- the public site ------------------------------------------------------------------------------------------


@get("/", opt={"csrf_free": True}, include_in_schema=False)
async def home(clock: ClockDep, kind: Annotated[str | None, QueryParameter(name="kind")] = None) -> Template:
    kind = _kind_filter(kind)
    events = await programme.upcoming_events(clock.now(), kind=kind)
    return Template("programme/home.html", context={"events": events, "kind": kind, "labels": LABELS})


@get("/archive", opt={"csrf_free": True}, include_in_schema=False)
async def archive(clock: ClockDep, kind: Annotated[str | None, QueryParameter(name="kind")] = None) -> Template:
    kind = _kind_filter(kind)
    events = await programme.past_events(clock.now(), kind=kind)
    return Template("programme/archive.html", context={"events": events, "kind": kind, "labels": LABELS})


async def _public_event_or_404(slug: str) -> dict[str, Any]:
    event = await programme.public_event(slug)
    if event is None:
        raise NotFound(N_("No event with this address"))
    return event


@get("/events/{slug:str}", include_in_schema=False)
async def event_page(request: Request, slug: FromPath[str], clock: ClockDep, current_user: MaybeUserDep) -> Template:
    event = await _public_event_or_404(slug)
    sessions = await programme.public_agenda(event)
    sections = await sections_for("event_page", event=event, request=request, current_user=current_user)
    return Template(
        "programme/event.html",
        context={
            "event": event,
            "days": programme.agenda_by_day(sessions, event["timezone"]),
            "description_html": programme.render_markdown(event["description"]),
            "sections": sections,
            "ended": event["ends_at"] < clock.now(),
            "may_manage": programme.may_manage(event, current_user),
            "labels": LABELS,
        },
    )


@get("/events/{slug:str}/sessions/{session_id:int}", include_in_schema=False)
async def session_page(request: Request, slug: FromPath[str], session_id: FromPath[int], current_user: MaybeUserDep) -> Template:
    event = await _public_event_or_404(slug)
    session = await programme.session_of_event(event, session_id)
    speakers = (await programme.speakers_of_event(event["id"])).get(session_id, [])
    sections = await sections_for("session_page", event=event, session=session, request=request, current_user=current_user)
    return Template(
        "programme/session.html",
        context={
            "event": event, "session": session, "sections": sections, "labels": LABELS,
            "speakers": [{"id": s["id"], "name": s["name"], "organisation": s["organisation"]} for s in speakers],
            "abstract_html": programme.render_markdown(session["abstract"]),
        },
    )


@get("/speakers/{speaker_id:int}", opt={"csrf_free": True}, include_in_schema=False)
async def speaker_page(speaker_id: FromPath[int]) -> Template:
    speaker = await programme.public_speaker(speaker_id)
    if speaker is None:
        raise NotFound(N_("No speaker with this number"))
    return Template(
        "programme/speaker.html",
        context={"speaker": speaker, "bio_html": programme.render_markdown(speaker["bio"]), "labels": LABELS},
    )


@get("/privacy", opt={"csrf_free": True}, include_in_schema=False)
async def privacy(settings: SettingsDep) -> Template:
    return Template("programme/privacy.html", context={"retention_days": settings.retention_days})


# --- the organiser's back office ------------------------------------------------------------------------------


class EventForm(Struct):
    title: str = ""
    kind: str = "conference"
    format: str = "online"
    summary: str = ""
    description: str = ""
    starts_at: str = ""
    ends_at: str = ""
    timezone: str = programme.DEFAULT_TIMEZONE
    language: str = "nl"
    venue: str = ""
    join_url: str = ""
    capacity: str = ""
    registration_opens_at: str = ""
    registration_closes_at: str = ""
    approval_required: str = ""
    upload_deadline: str = ""
    reminder_minutes: str = ""
    contact_name: str = ""
    contact_email: str = ""


class SessionForm(Struct):
    title: str = ""
    kind: str = "talk"
    abstract: str = ""
    starts_at: str = ""
    ends_at: str = ""
    room: str = ""
    track: str = ""


class SpeakerForm(Struct):
    email: str = ""
    name: str = ""
    organisation: str = ""


def _event_form_values(event: dict[str, Any]) -> dict[str, Any]:
    tz = event["timezone"]
    values = {name: event.get(name) for name in programme.EDITABLE_EVENT_FIELDS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "upload_deadline"):
        values[name] = _local_input(event.get(name), tz)
    values["capacity"] = "" if event.get("capacity") is None else str(event["capacity"])
    return values


def _form_page(template: str, request: Request, errors: dict[str, str] | None = None, status: int = 200, **context: Any) -> Template:
    return Template(
        template,
        context={"errors": _translated(request, errors or {}), "labels": LABELS, "timezones": programme.COMMON_TIMEZONES, **context},
        status_code=status,
    )


@get("/organiser", guards=[organiser_guard], include_in_schema=False)
async def organiser_home(
    request: Request, current_user: CurrentUserDep, deleted: Annotated[bool, QueryParameter(name="deleted")] = False
) -> Template:
    events = await programme.events_of_organiser(current_user)
    extras = await sections_for("organiser_event_list", events=events, request=request)
    columns, values = [], {}
    for extra in extras:
        offset = len(columns)
        columns.extend(extra.context.get("columns", []))
        for event_id, row in extra.context.get("values", {}).items():
            values.setdefault(event_id, [""] * offset)
            values[event_id].extend(row)
    return Template(
        "programme/organiser/list.html",
        context={"events": events, "columns": columns, "values": values, "labels": LABELS, "deleted": deleted},
    )


@get("/organiser/new-event", guards=[organiser_guard], include_in_schema=False)
async def new_event_page(request: Request, current_user: CurrentUserDep) -> Template:
    values = {"kind": "conference", "format": "online", "timezone": programme.DEFAULT_TIMEZONE, "language": "nl",
              "contact_name": current_user.name, "contact_email": current_user.email}
    return _form_page("programme/organiser/event_form.html", request, values=values, event=None)


@post("/organiser/new-event", guards=[organiser_guard], include_in_schema=False)
async def new_event(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, data: Annotated[EventForm, Body(media_type=FORM)]
) -> Template | Redirect:
    values = sent_fields(data)
    try:
        event = await programme.create_event(values, current_user.id, clock.now())
    except RuleViolation as exc:
        return _form_page("programme/organiser/event_form.html", request, exc.errors, 400, values=values, event=None)
    return Redirect(path=f"/organiser/events/{event['slug']}?saved=1", status_code=303)


@get("/organiser/events/{slug:str}", guards=[organiser_guard], include_in_schema=False)
async def dashboard(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, saved: Annotated[str | None, QueryParameter(name="saved")] = None
) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    sessions = await programme.sessions_of(event["id"])
    sections = await sections_for("organiser_event", event=event, request=request, current_user=current_user)
    return Template(
        "programme/organiser/dashboard.html",
        context={
            "event": event, "sessions": sessions, "sections": sections, "labels": LABELS, "saved": bool(saved),
            "actions": [a for a, (_target, allowed) in programme.TRANSITIONS.items() if event["status"] in allowed],
            "action_texts": ACTION_TEXTS,
        },
    )


@get("/organiser/events/{slug:str}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_event_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return _form_page("programme/organiser/event_form.html", request, values=_event_form_values(event), event=event)


@post("/organiser/events/{slug:str}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_event(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[EventForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    values = sent_fields(data)
    try:
        await programme.update_event(event, values, clock.now())
    except RuleViolation as exc:
        return _form_page("programme/organiser/event_form.html", request, exc.errors, 400, values=values, event=event)
    return Redirect(path=f"/organiser/events/{slug}?saved=1", status_code=303)


def _known_action(action: str) -> str:
    if action not in programme.TRANSITIONS:
        raise NotFound(N_("Page not found"))
    return action


@get("/organiser/events/{slug:str}/status/{action:str}", guards=[organiser_guard], include_in_schema=False)
async def confirm_status(slug: FromPath[str], action: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    title, explanation, button = ACTION_TEXTS[_known_action(action)]
    return Template(
        "programme/organiser/confirm.html",
        context={"event": event, "title": title, "explanation": explanation, "button": button,
                 "action_url": f"/organiser/events/{slug}/status/{action}", "danger": action != "publish",
                 "back_url": f"/organiser/events/{slug}"},
    )


@post("/organiser/events/{slug:str}/status/{action:str}", guards=[organiser_guard], include_in_schema=False)
async def change_status(slug: FromPath[str], action: FromPath[str], current_user: CurrentUserDep, clock: ClockDep) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.change_status(event, _known_action(action), clock.now())
    return Redirect(path=f"/organiser/events/{slug}", status_code=303)


@get("/organiser/events/{slug:str}/delete", guards=[organiser_guard], include_in_schema=False)
async def confirm_delete_event(slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    refusal = await programme.deletion_refusal(event)
    return Template(
        "programme/organiser/confirm.html",
        context={"event": event, "title": N_("Delete this event?"), "refusal": refusal,
                 "explanation": N_("The draft is removed with its programme, speakers' assignments, materials and quizzes. This cannot be undone."),
                 "button": N_("Delete the event"), "danger": True,
                 "action_url": f"/organiser/events/{slug}/delete", "back_url": f"/organiser/events/{slug}"},
        status_code=409 if refusal else 200,
    )


@post("/organiser/events/{slug:str}/delete", guards=[organiser_guard], include_in_schema=False)
async def delete_event_form(slug: FromPath[str], current_user: CurrentUserDep) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.delete_event(event)
    return Redirect(path="/organiser?deleted=1", status_code=303)


async def _programme_page(
    request: Request, event: dict[str, Any], errors: dict[str, str] | None = None, status: int = 200,
    values: dict[str, Any] | None = None, notice: dict[str, Any] | None = None, speaker_errors: dict | None = None,
) -> Template:
    sessions = await programme.sessions_of(event["id"])
    speakers = await programme.speakers_of_event(event["id"])
    start_value = _local_input(event["starts_at"], event["timezone"])
    return _form_page(
        "programme/organiser/programme.html", request, errors, status,
        event=event, sessions=sessions, speakers=speakers, notice=notice,
        speaker_errors={k: _translated(request, v) for k, v in (speaker_errors or {}).items()},
        values=values or {"kind": "talk", "starts_at": start_value, "ends_at": start_value},
    )


@get("/organiser/events/{slug:str}/programme", guards=[organiser_guard], include_in_schema=False)
async def programme_editor(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return await _programme_page(request, event)


@post("/organiser/events/{slug:str}/programme", guards=[organiser_guard], include_in_schema=False)
async def add_session(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[SessionForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    values = sent_fields(data)
    try:
        session = await programme.create_session(event, values, clock.now())
    except RuleViolation as exc:
        return await _programme_page(request, event, exc.errors, 400, values=values)
    return Redirect(path=f"/organiser/events/{slug}/programme#session-{session['id']}", status_code=303)


@get("/organiser/events/{slug:str}/sessions/{session_id:int}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_session_page(request: Request, slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.session_of_event(event, session_id)
    values = {**session, "starts_at": _local_input(session["starts_at"], event["timezone"]),
              "ends_at": _local_input(session["ends_at"], event["timezone"])}
    return _form_page("programme/organiser/session_form.html", request, event=event, session=session, values=values)


@post("/organiser/events/{slug:str}/sessions/{session_id:int}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_session(
    request: Request, slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[SessionForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.session_of_event(event, session_id)
    values = sent_fields(data)
    try:
        await programme.update_session(event, session_id, values, clock.now())
    except RuleViolation as exc:
        return _form_page("programme/organiser/session_form.html", request, exc.errors, 400, event=event, session=session, values=values)
    return Redirect(path=f"/organiser/events/{slug}/programme#session-{session_id}", status_code=303)


@get("/organiser/events/{slug:str}/sessions/{session_id:int}/delete", guards=[organiser_guard], include_in_schema=False)
async def confirm_delete_session(slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.session_of_event(event, session_id)
    return Template(
        "programme/organiser/confirm.html",
        context={"event": event, "title": N_("Delete this session?"), "subject": session["title"],
                 "explanation": N_("The session and its speaker assignments are removed from the programme."),
                 "button": N_("Delete the session"), "danger": True,
                 "action_url": f"/organiser/events/{slug}/sessions/{session_id}/delete",
                 "back_url": f"/organiser/events/{slug}/programme"},
    )


@post("/organiser/events/{slug:str}/sessions/{session_id:int}/delete", guards=[organiser_guard], include_in_schema=False)
async def delete_session_form(
    slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.delete_session(event, session_id, clock.now())
    return Redirect(path=f"/organiser/events/{slug}/programme", status_code=303)


@post("/organiser/events/{slug:str}/sessions/{session_id:int}/speakers", guards=[organiser_guard], include_in_schema=False)
async def add_speaker_form(
    request: Request, slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep,
    clock: ClockDep, settings: SettingsDep, data: Annotated[SpeakerForm, Body(media_type=FORM)],
) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    try:
        added = await programme.add_speaker(
            event, session_id, data.email, clock.now(), data.name, data.organisation, base_url=settings.base_url
        )
    except RuleViolation as exc:
        if exc.status_code != 400:
            raise
        return await _programme_page(request, event, status=400, speaker_errors={session_id: exc.errors})
    notice = {
        "speaker": added["speaker"], "created": added["created"],
        "link": f"{settings.base_url}/p/{added['token']}" if added["token"] else None,
    }
    return await _programme_page(request, event, notice=notice)


@post(
    "/organiser/events/{slug:str}/sessions/{session_id:int}/speakers/{speaker_id:int}/remove",
    guards=[organiser_guard], include_in_schema=False,
)
async def remove_speaker_form(
    slug: FromPath[str], session_id: FromPath[int], speaker_id: FromPath[int], current_user: CurrentUserDep,
    clock: ClockDep,
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.remove_speaker(event, session_id, speaker_id, clock.now())
    return Redirect(path=f"/organiser/events/{slug}/programme#session-{session_id}", status_code=303)


@post("/organiser/events/{slug:str}/speakers/{speaker_id:int}/link", guards=[organiser_guard], include_in_schema=False)
async def new_link_form(
    request: Request, slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep,
    clock: ClockDep, settings: SettingsDep,
) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    token = await programme.new_speaker_link(event, speaker_id, clock.now(), base_url=settings.base_url)
    speakers = {s["id"]: s for group in (await programme.speakers_of_event(event["id"])).values() for s in group}
    notice = {"speaker": speakers.get(speaker_id), "created": False, "link": f"{settings.base_url}/p/{token}", "renewed": True}
    return await _programme_page(request, event, notice=notice)


class ProfileForm(Struct):
    name: str = ""
    organisation: str = ""
    bio: str = ""


@get("/organiser/events/{slug:str}/speakers/{speaker_id:int}/profile", guards=[organiser_guard], include_in_schema=False)
async def speaker_profile_page(request: Request, slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    speaker = await programme.speaker_of_event(event, speaker_id)
    return _form_page("programme/organiser/speaker_form.html", request, event=event, speaker=speaker, values=speaker)


@post("/organiser/events/{slug:str}/speakers/{speaker_id:int}/profile", guards=[organiser_guard], include_in_schema=False)
async def speaker_profile(
    request: Request, slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[ProfileForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    speaker = await programme.speaker_of_event(event, speaker_id)
    values = sent_fields(data)
    try:
        await programme.update_speaker_profile(event, speaker_id, values, clock.now())
    except RuleViolation as exc:
        return _form_page("programme/organiser/speaker_form.html", request, exc.errors, 400, event=event, speaker=speaker, values=values)
    return Redirect(path=f"/organiser/events/{slug}/programme", status_code=303)


# --- the API -------------------------------------------------------------------------------------------------


def _parse_query_instant(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RuleViolation(N_("Invalid filter"), {name: N_("Enter a date and time, such as 2026-12-06 09:30")}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(programme.DEFAULT_TIMEZONE))
    return moment


@get("/api/events", tags=API_TAGS, summary="Published events", opt={"csrf_free": True})
async def api_list_events(
    settings: SettingsDep,
    kind: Annotated[str | None, QueryParameter(name="kind", description="conference, webinar or festival")] = None,
    from_: Annotated[str | None, QueryParameter(name="from", description="ISO 8601: events still running then")] = None,
    to: Annotated[str | None, QueryParameter(name="to", description="ISO 8601: events that start by then")] = None,
) -> list[PublicEvent]:
    """Published events, soonest first. Never contains a join URL."""
    if kind is not None and kind not in programme.KINDS:
        raise RuleViolation(N_("Invalid filter"), {"kind": N_("Choose conference, webinar or festival")})
    rows = await programme.published_events(kind, _parse_query_instant(from_, "from"), _parse_query_instant(to, "to"))
    return [PublicEvent.from_row(row, settings.base_url) for row in rows]


@get("/api/events/{slug:str}", tags=API_TAGS, summary="One public event with its programme")
async def api_event(slug: FromPath[str], settings: SettingsDep) -> PublicEventDetail:
    event = await _public_event_or_404(slug)
    sessions = await programme.public_agenda(event)
    return PublicEventDetail(
        **PublicEvent.fields_from(event, settings.base_url),
        description=event["description"], description_html=programme.render_markdown(event["description"]),
        sessions=[PublicSession.from_row(s, event["timezone"]) for s in sessions],
    )


@get("/api/organiser/events", tags=API_TAGS, summary="My events (all for an admin), join URL included",
     guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_my_events(current_user: CurrentUserDep, settings: SettingsDep) -> list[OrganiserEvent]:
    rows = await programme.events_of_organiser(current_user)
    full = [await programme.event_by_id(row["id"]) for row in rows]
    return [OrganiserEvent.from_full_row(row, settings.base_url) for row in full if row]


@get("/api/organiser/events/{slug:str}", tags=API_TAGS, summary="One of my events, join URL included",
     guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_my_event(slug: FromPath[str], current_user: CurrentUserDep, settings: SettingsDep) -> OrganiserEvent:
    return OrganiserEvent.from_full_row(await programme.event_for_organiser(slug, current_user), settings.base_url)


@post("/api/events", tags=API_TAGS, summary="Create an event (draft)", guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_create_event(
    data: JSONBody[EventWrite], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep
) -> OrganiserEvent:
    """Creates a draft; the answer (201) carries the `slug` made from the title (or the `slug` asked for)."""
    values = sent_fields(data)
    slug = values.pop("slug", None)
    event = await programme.create_event(values, current_user.id, clock.now(), slug=slug)
    return OrganiserEvent.from_full_row(event, settings.base_url)


@patch("/api/events/{slug:str}", tags=API_TAGS, summary="Change an event", guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_update_event(
    slug: FromPath[str], data: JSONBody[EventPatch], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep
) -> OrganiserEvent:
    """Only the fields sent change; `sequence` rises when a calendar-relevant field changes."""
    event = await programme.event_for_organiser(slug, current_user)
    await programme.update_event(event, sent_fields(data), clock.now())
    return OrganiserEvent.from_full_row(await programme.event_by_id(event["id"]), settings.base_url)


async def _api_transition(slug: str, action: str, current_user, clock, settings) -> OrganiserEvent:
    event = await programme.event_for_organiser(slug, current_user)
    row = await programme.change_status(event, action, clock.now())
    return OrganiserEvent.from_full_row(row, settings.base_url)


@post("/api/events/{slug:str}/publish", tags=API_TAGS, summary="Publish an event", status_code=200,
      guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_publish(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep) -> OrganiserEvent:
    return await _api_transition(slug, "publish", current_user, clock, settings)


@post("/api/events/{slug:str}/unpublish", tags=API_TAGS, summary="Take an event offline (back to draft)", status_code=200,
      guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_unpublish(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep) -> OrganiserEvent:
    return await _api_transition(slug, "unpublish", current_user, clock, settings)


@post("/api/events/{slug:str}/cancel", tags=API_TAGS, summary="Cancel an event", status_code=200,
      guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_cancel(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep) -> OrganiserEvent:
    return await _api_transition(slug, "cancel", current_user, clock, settings)


@delete("/api/events/{slug:str}", tags=API_TAGS, summary="Delete a draft event", guards=[organiser_guard],
        security=ORGANISER_SECURITY)
async def api_delete_event(slug: FromPath[str], current_user: CurrentUserDep) -> None:
    """204; 409 with the reason for anything but a draft without registrations (cancel a published event)."""
    event = await programme.event_for_organiser(slug, current_user)
    await programme.delete_event(event)


async def _event_for_reader(slug: str, current_user) -> dict[str, Any]:
    """A public event, or a draft when the reader manages it."""
    event = await programme.public_event(slug)
    if event is not None:
        return event
    if current_user is not None and current_user.is_organiser:
        return await programme.event_for_organiser(slug, current_user)
    raise NotFound(N_("No event with this address"))


@get("/api/events/{slug:str}/sessions", tags=API_TAGS, summary="The sessions of an event, by time")
async def api_sessions(slug: FromPath[str], current_user: MaybeUserDep) -> list[PublicSession]:
    event = await _event_for_reader(slug, current_user)
    return [PublicSession.from_row(s, event["timezone"]) for s in await programme.public_agenda(event)]


async def _session_answer(event: dict[str, Any], session_id: int) -> PublicSession:
    session = await programme.session_of_event(event, session_id)
    speakers = (await programme.speakers_of_event(event["id"])).get(session_id, [])
    return PublicSession.from_row({**session, "speakers": speakers}, event["timezone"])


@post("/api/events/{slug:str}/sessions", tags=API_TAGS, summary="Add a session", guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_create_session(slug: FromPath[str], data: JSONBody[SessionWrite], current_user: CurrentUserDep, clock: ClockDep) -> PublicSession:
    """Creates a session within its event's start and end; the answer (201) carries its `id`."""
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.create_session(event, sent_fields(data), clock.now())
    return await _session_answer(event, session["id"])


@patch("/api/events/{slug:str}/sessions/{session_id:int}", tags=API_TAGS, summary="Change a session",
       guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_update_session(
    slug: FromPath[str], session_id: FromPath[int], data: JSONBody[SessionPatch], current_user: CurrentUserDep,
    clock: ClockDep,
) -> PublicSession:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.update_session(event, session_id, sent_fields(data), clock.now())
    return await _session_answer(event, session_id)


@delete("/api/events/{slug:str}/sessions/{session_id:int}", tags=API_TAGS, summary="Delete a session",
        guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_delete_session(
    slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.delete_session(event, session_id, clock.now())


@post("/api/events/{slug:str}/sessions/{session_id:int}/speakers", tags=API_TAGS, summary="Add a speaker by e-mail",
      guards=[organiser_guard], security=ORGANISER_SECURITY)
async def api_add_speaker(
    slug: FromPath[str], session_id: FromPath[int], data: JSONBody[SpeakerAdd], current_user: CurrentUserDep,
    clock: ClockDep, settings: SettingsDep,
) -> SpeakerAdded:
    """Creates or reuses the speaker account; `personal_link` is set (once) when a new sign-in link was made."""
    event = await programme.event_for_organiser(slug, current_user)
    added = await programme.add_speaker(
        event, session_id, data.email, clock.now(), data.name, data.organisation, base_url=settings.base_url
    )
    speaker = added["speaker"]
    link = f"{settings.base_url}/p/{added['token']}" if added["token"] else None
    return SpeakerAdded(id=speaker.id, email=speaker.email, name=speaker.name, created=added["created"], personal_link=link)


# --- calendar files -----------------------------------------------------------------------------------------


@get("/events/{slug:str}/event.ics", opt=dict(NO_STATE), tags=["calendar"], summary="The event as an .ics download", **ICS)
async def event_ics(request: Request, slug: FromPath[str], settings: SettingsDep) -> Response:
    document = await calendar.event_download(slug, settings.base_url)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="attachment")


@get("/events/{slug:str}/programme.ics", opt=dict(NO_STATE), tags=["calendar"], summary="The programme: one entry per session", **ICS)
async def programme_ics(request: Request, slug: FromPath[str], settings: SettingsDep) -> Response:
    document = await calendar.programme_download(slug, settings.base_url)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="attachment")


FEED_NAMES = {
    None: N_("Events on resilient government"),
    "conference": N_("Conferences on resilient government"),
    "webinar": N_("Webinars on resilient government"),
    "festival": N_("Resilience festivals"),
}


@get("/calendar.ics", opt=dict(NO_STATE), tags=["calendar"], summary="Feed of published events (subscribe with webcal://)", **ICS)
async def calendar_feed(
    request: Request,
    settings: SettingsDep,
    clock: ClockDep,
    kind: Annotated[Literal["conference", "webinar", "festival"] | None, QueryParameter(name="kind", description="Only events of this kind")] = None,
) -> Response:
    language = language_of(request)
    kind = kind or None
    name = translate(language, FEED_NAMES.get(kind) or FEED_NAMES[None])
    description = translate(language, N_("Conferences, webinars and festivals for Dutch public-sector organisations."))
    document = await calendar.public_feed(kind, settings.base_url, clock.now(), name, description, language)
    return calendar_response(request, document, cache=PUBLIC_CACHE, disposition="inline")


@provides("event_page")
async def add_to_calendar(event: dict[str, Any], request: Request, **_: Any) -> Section | None:
    if event.get("status") == "draft":
        return None
    base_url = request.app.state.settings.base_url.rstrip("/")
    has_programme = bool(await programme.sessions_of(event["id"]))
    feed = f"{base_url}/calendar.ics"
    kind_feed = f"{feed}?kind={event['kind']}" if event.get("kind") else feed
    return Section(
        "ical/_add_to_calendar.html",
        {
            "event": event,
            "download_url": f"/events/{event['slug']}/event.ics",
            "programme_url": f"/events/{event['slug']}/programme.ics" if has_programme else None,
            "feed_url": feed,
            "webcal_url": webcal(feed),
            "kind_webcal_url": webcal(kind_feed) if kind_feed != feed else None,
            "kind": event.get("kind"),
            # Google and Outlook on the web do not open webcal links: they subscribe through their own pages.
            "google_url": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal(feed)}, quote_via=quote),
            "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?"
            + urlencode({"url": feed, "name": translate(language_of(request), FEED_NAMES[None])}, quote_via=quote),
        },
        order=50,
    )


ROUTES = [
    event_ics,
    programme_ics,
    calendar_feed,
    home, archive, event_page, session_page, speaker_page, privacy,
    organiser_home, new_event_page, new_event, dashboard, edit_event_page, edit_event, confirm_status, change_status,
    confirm_delete_event, delete_event_form, programme_editor, add_session, edit_session_page, edit_session, confirm_delete_session, delete_session_form,
    add_speaker_form, remove_speaker_form, new_link_form, speaker_profile_page, speaker_profile,
    api_list_events, api_event, api_my_events, api_my_event, api_create_event, api_update_event, api_publish,
    api_unpublish, api_cancel, api_delete_event, api_sessions, api_create_session, api_update_session, api_delete_session,
    api_add_speaker,
]
