"""The organiser's back office: their events, an event's dashboard and form, status changes and deletion, the
programme editor (sessions and speakers) and speakers' profiles."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template

from events.accounts.service import CurrentUser
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.local_time import local_input
from events.kernel.sections import sections_for
from events.organisations import service as organisations
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.routes.forms import (
    EventForm,
    ProfileForm,
    SessionForm,
    SpeakerForm,
    event_form_values,
    new_event_values,
    recording_rows,
    session_form_values,
    with_form_recordings,
)
from events.programme.routes.labels import LABELS
from events.programme.schemas import sent_fields
from events.programme.tables import SessionKind
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.errors import TEXT_CHECKED_OPT
from events.web.forms import translated

FORM = RequestEncodingType.URL_ENCODED
EVENT_FORM = "programme/organiser/event_form.html"
SESSION_FORM = "programme/organiser/session_form.html"
SPEAKER_FORM = "programme/organiser/speaker_form.html"
CONFIRM = "programme/organiser/confirm.html"
ACTION_TEXTS = {
    "publish": (N_("Publish this event?"), N_("The event becomes visible to everyone and registration can start."), N_("Publish")),
    "unpublish": (N_("Take this event offline?"), N_("The event page disappears for the public; registrations are kept."), N_("Take offline")),
    "cancel": (N_("Cancel this event?"), N_("The event stays visible as cancelled; calendars of participants are updated."), N_("Cancel the event")),
}


def _form_page(template: str, request: Request, errors: dict[str, str] | None = None, status: int = 200, **context: Any) -> Template:
    return Template(
        template,
        context={"errors": translated(request, errors or {}), "labels": LABELS, "timezones": programme.COMMON_TIMEZONES, **context},
        status_code=status,
    )


async def _saved_or_form_again(
    saving: Awaitable[Any], template: str, request: Request, then: str, **context: Any
) -> Template | Redirect:
    """Await the service's save; go on to `then` (303), or show the form again with its errors (400)."""
    try:
        await saving
    except RuleViolation as exc:
        return _form_page(template, request, exc.errors, 400, **context)
    return Redirect(path=then, status_code=303)


def _extra_columns(extras: list) -> tuple[list[str], dict[int, list[str]]]:
    """Other domains' columns on the event list, each event's values padded under the right headings."""
    columns: list[str] = []
    values: dict[int, list[str]] = {}
    for extra in extras:
        offset = len(columns)
        columns.extend(extra.context.get("columns", []))
        for event_id, row in extra.context.get("values", {}).items():
            values.setdefault(event_id, [""] * offset)
            values[event_id].extend(row)
    return columns, values


# --- events ---------------------------------------------------------------------------------------------------


@get("/organiser", guards=[organiser_guard], include_in_schema=False)
async def organiser_home(
    request: Request, current_user: CurrentUserDep, deleted: Annotated[bool, QueryParameter(name="deleted")] = False
) -> Template:
    events = await programme.events_of_organiser(current_user)
    columns, values = _extra_columns(await sections_for("organiser_event_list", events=events, request=request))
    return Template(
        "programme/organiser/list.html",
        context={"events": events, "columns": columns, "values": values, "labels": LABELS, "deleted": deleted,
                 "organisations": await organisations.organisations_of(current_user),
                 "may_create": await organisations.may_create_events(current_user),
                 "current": request.session.get("organisation", "")},
    )


async def _editable_organisations(user: CurrentUser) -> list[tuple[str, str]]:
    """The organisations a new event may go to (slug, name): where this user is an editor or owner."""
    mine = await organisations.organisations_of(user)
    return [(m.organisation.slug, m.organisation.name) for m in mine if m.role.includes(OrgRole.EDITOR)]


@get("/organiser/new-event", guards=[organiser_guard], include_in_schema=False)
async def new_event_page(request: Request, current_user: CurrentUserDep) -> Template:
    await organisations.require_may_create_events(current_user)  # a viewer gets no form to fill in vain
    values = {**new_event_values(current_user.name, current_user.email), "organisation": request.session.get("organisation", "")}
    return _form_page(EVENT_FORM, request, values=values, event=None, organisations=await _editable_organisations(current_user))


@post("/organiser/new-event", guards=[organiser_guard], include_in_schema=False, opt=TEXT_CHECKED_OPT)
async def new_event(
    request: Request, current_user: CurrentUserDep, clock: ClockDep, data: Annotated[EventForm, Body(media_type=FORM)]
) -> Template | Redirect:
    await organisations.require_may_create_events(current_user)  # a viewer hears 403 before any form error
    values = sent_fields(data)
    try:
        event = await programme.create_event(
            values, current_user, clock.now(), organisation=values.pop("organisation", None) or None
        )
    except RuleViolation as exc:
        return _form_page(EVENT_FORM, request, exc.errors, 400, values=values, event=None,
                          organisations=await _editable_organisations(current_user))
    return Redirect(path=f"/organiser/events/{event['slug']}?saved=1", status_code=303)


@get("/organiser/events/{slug:str}", guards=[organiser_guard], include_in_schema=False)
async def dashboard(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep,
    saved: Annotated[str | None, QueryParameter(name="saved")] = None,
    duplicated: Annotated[str | None, QueryParameter(name="duplicated")] = None,
) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    sessions = await programme.sessions_of(event["id"])
    sections = await sections_for("organiser_event", event=event, request=request, current_user=current_user)
    return Template(
        "programme/organiser/dashboard.html",
        context={
            "event": event, "sessions": sessions, "sections": sections, "labels": LABELS, "saved": bool(saved), "duplicated": bool(duplicated),
            "actions": programme.actions_for(event["status"]), "action_texts": ACTION_TEXTS,
        },
    )


@get("/organiser/events/{slug:str}/edit", guards=[organiser_guard], include_in_schema=False)
async def edit_event_page(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return _form_page(EVENT_FORM, request, values=event_form_values(event), event=event, recording_rows=recording_rows({}, event))


@post("/organiser/events/{slug:str}/edit", guards=[organiser_guard], include_in_schema=False, opt=TEXT_CHECKED_OPT)
async def edit_event(
    request: Request, slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[EventForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    values = with_form_recordings(sent_fields(data))
    return await _saved_or_form_again(
        programme.update_event(event, values, clock.now()), EVENT_FORM, request, f"/organiser/events/{slug}?saved=1",
        values=values, event=event, recording_rows=recording_rows(values),
    )


def _known_action(action: str) -> str:
    if action not in programme.TRANSITIONS:
        raise NotFound(N_("Page not found"))
    return action


@get("/organiser/events/{slug:str}/status/{action:str}", guards=[organiser_guard], include_in_schema=False)
async def confirm_status(slug: FromPath[str], action: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    title, explanation, button = ACTION_TEXTS[_known_action(action)]
    return Template(
        CONFIRM,
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
        CONFIRM,
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


# --- the programme editor: sessions ---------------------------------------------------------------------------


async def _programme_page(
    request: Request, event: dict[str, Any], errors: dict[str, str] | None = None, status: int = 200,
    values: dict[str, Any] | None = None, notice: dict[str, Any] | None = None, speaker_errors: dict | None = None,
) -> Template:
    sessions = await programme.sessions_of(event["id"])
    speakers = await programme.speakers_of_event(event["id"])
    start_value = local_input(event["starts_at"], event["timezone"])
    return _form_page(
        "programme/organiser/programme.html", request, errors, status,
        event=event, sessions=sessions, speakers=speakers, notice=notice,
        speaker_errors={k: translated(request, v) for k, v in (speaker_errors or {}).items()},
        values=values or {"kind": SessionKind.TALK.value, "starts_at": start_value, "ends_at": start_value},
    )


@get("/organiser/events/{slug:str}/programme", guards=[organiser_guard], include_in_schema=False)
async def programme_editor(request: Request, slug: FromPath[str], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await _programme_page(request, event)


@post("/organiser/events/{slug:str}/programme", guards=[organiser_guard], include_in_schema=False, opt=TEXT_CHECKED_OPT)
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
    values = session_form_values(session, event["timezone"])
    return _form_page(SESSION_FORM, request, event=event, session=session, values=values,
                      recording_rows=recording_rows({}, session))


@post("/organiser/events/{slug:str}/sessions/{session_id:int}/edit", guards=[organiser_guard], include_in_schema=False,
      opt=TEXT_CHECKED_OPT)
async def edit_session(
    request: Request, slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[SessionForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.session_of_event(event, session_id)
    values = with_form_recordings(sent_fields(data))
    return await _saved_or_form_again(
        programme.update_session(event, session_id, values, clock.now()), SESSION_FORM, request,
        f"/organiser/events/{slug}/programme#session-{session_id}", event=event, session=session, values=values,
        recording_rows=recording_rows(values),
    )


@get("/organiser/events/{slug:str}/sessions/{session_id:int}/delete", guards=[organiser_guard], include_in_schema=False)
async def confirm_delete_session(slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.session_of_event(event, session_id)
    return Template(
        CONFIRM,
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


# --- the programme editor: speakers ---------------------------------------------------------------------------


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
    return await _programme_page(request, event, notice={"email": added.email})


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
    await programme.new_speaker_link(event, speaker_id, clock.now(), base_url=settings.base_url)
    profile = await programme.speaker_of_event(event, speaker_id)
    return await _programme_page(request, event, notice={"email": profile.email, "renewed": True})


@get("/organiser/events/{slug:str}/speakers/{speaker_id:int}/profile", guards=[organiser_guard], include_in_schema=False)
async def speaker_profile_page(request: Request, slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    speaker = await programme.speaker_of_event(event, speaker_id)
    return _form_page(SPEAKER_FORM, request, event=event, speaker=speaker, values=speaker)


@post("/organiser/events/{slug:str}/speakers/{speaker_id:int}/profile", guards=[organiser_guard], include_in_schema=False)
async def speaker_profile(
    request: Request, slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: Annotated[ProfileForm, Body(media_type=FORM)],
) -> Template | Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    speaker = await programme.speaker_of_event(event, speaker_id)
    values = sent_fields(data)
    return await _saved_or_form_again(
        programme.update_speaker_profile(event, speaker_id, values, clock.now()), SPEAKER_FORM, request,
        f"/organiser/events/{slug}/programme", event=event, speaker=speaker, values=values,
    )


ROUTES = [
    organiser_home, new_event_page, new_event, dashboard, edit_event_page, edit_event, confirm_status, change_status,
    confirm_delete_event, delete_event_form, programme_editor, add_session, edit_session_page, edit_session,
    confirm_delete_session, delete_session_form, add_speaker_form, remove_speaker_form, new_link_form,
    speaker_profile_page, speaker_profile,
]
