"""The programme's JSON API under /api/events: published events for anyone (never a join URL), and organisers'
events, sessions and speakers with a session cookie or an API token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from events.accounts.service import CurrentUser
from events.kernel.clock import Clock
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import N_
from events.kernel.local_time import parse_local
from events.kernel.settings import Settings
from events.organisations.tables import OrgRole
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
    as_recordings,
    sent_fields,
)
from events.programme.tables import EventKind, EventStatus
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, MaybeUserDep, SettingsDep
from events.web.pagination import PAGE_HEADERS, PagingDep
from events.web.public_cache import PUBLIC_PROGRAMME

API_TAGS = ["programme"]
ORGANISER_SECURITY = [{"BearerToken": []}]
ORGANISER = {"tags": API_TAGS, "guards": [organiser_guard], "security": ORGANISER_SECURITY}
KIND_RULE = N_("Choose conference, webinar or festival")


def _query_instant(value: str | None, name: str) -> datetime | None:
    """A `from`/`to` filter: ISO 8601, read in the default time zone without an offset."""
    if not value:
        return None
    try:
        moment = parse_local(value, programme.DEFAULT_TIMEZONE)
    except ValueError:
        moment = None
    if moment is None:
        raise RuleViolation(N_("Invalid filter"), {name: programme.INSTANT_RULE})
    return moment


# --- public -----------------------------------------------------------------------------------------------------


@get("/api/events", tags=API_TAGS, summary="Published events (paginated)", opt={"csrf_free": True, **PUBLIC_PROGRAMME},
     response_headers=PAGE_HEADERS)
async def api_list_events(
    settings: SettingsDep,
    paging: PagingDep,
    kind: Annotated[str | None, QueryParameter(name="kind", description="conference, webinar or festival")] = None,
    from_: Annotated[str | None, QueryParameter(name="from", description="ISO 8601: events still running then")] = None,
    to: Annotated[str | None, QueryParameter(name="to", description="ISO 8601: events that start by then")] = None,
) -> Response[list[PublicEvent]]:
    """Published events, soonest first. Never contains a join URL."""
    if kind is not None and kind not in tuple(EventKind):
        raise RuleViolation(N_("Invalid filter"), {"kind": KIND_RULE})
    rows = await programme.published_events(kind, _query_instant(from_, "from"), _query_instant(to, "to"))
    return paging.answer([PublicEvent.from_row(row, settings.base_url) for row in paging.window(rows)], len(rows))


@get("/api/events/{slug:str}", tags=API_TAGS, summary="One public event with its programme")
async def api_event(slug: FromPath[str], settings: SettingsDep, clock: ClockDep) -> PublicEventDetail:
    event = await programme.require_public_event(slug)
    sessions = await programme.public_agenda(event)
    return PublicEventDetail(
        **PublicEvent.fields_from(event, settings.base_url),
        description=event["description"], description_html=programme.render_markdown(event["description"]),
        sessions=[PublicSession.from_row(s, event["timezone"], clock.now()) for s in sessions],
        recordings=as_recordings(event, clock.now()),
    )


async def _event_for_reader(slug: str, current_user: CurrentUser | None) -> dict[str, Any]:
    """A public event, or a draft when the reader manages it."""
    event = await programme.public_event(slug)
    if event is not None:
        return event
    if current_user is not None and current_user.is_organiser:
        return await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    raise NotFound(N_("No event with this address"))


@get("/api/events/{slug:str}/sessions", tags=API_TAGS, summary="The sessions of an event, by time (paginated)",
     response_headers=PAGE_HEADERS)
async def api_sessions(
    slug: FromPath[str], current_user: MaybeUserDep, clock: ClockDep, paging: PagingDep,
) -> Response[list[PublicSession]]:
    """Each session with its released public recordings."""
    event = await _event_for_reader(slug, current_user)
    now = clock.now()
    return paging.answer_all([PublicSession.from_row(s, event["timezone"], now) for s in await programme.public_agenda(event)])


# --- organisers: events -----------------------------------------------------------------------------------------


STATUS_RULE = N_("Choose draft, published or cancelled")


@get("/api/organiser/events", summary="My events, join URL included (paginated; filter by status, organisation)",
     response_headers=PAGE_HEADERS, **ORGANISER)
async def api_my_events(
    current_user: CurrentUserDep, settings: SettingsDep, paging: PagingDep,
    status: Annotated[str | None, QueryParameter(name="status", description="draft, published or cancelled")] = None,
    organisation: Annotated[str | None, QueryParameter(name="organisation", description="an organisation's slug")] = None,
) -> Response[list[OrganiserEvent]]:
    """The events of your organisations, newest start first: one query for the list, one for the page's rows."""
    if status is not None and status not in tuple(EventStatus):
        raise RuleViolation(N_("Invalid filter"), {"status": STATUS_RULE})
    rows = await programme.events_of_organiser(current_user)
    if organisation is not None:
        rows = [row for row in rows if row["organisation_slug"] == organisation]
    if status is not None:
        rows = [row for row in rows if row["status"] == status]
    full = await programme.events_by_ids([row["id"] for row in paging.window(rows)])
    return paging.answer([OrganiserEvent.from_full_row(row, settings.base_url) for row in full], len(rows))


@get("/api/organiser/events/{slug:str}", summary="One of my events, join URL included", **ORGANISER)
async def api_my_event(slug: FromPath[str], current_user: CurrentUserDep, settings: SettingsDep) -> OrganiserEvent:
    return OrganiserEvent.from_full_row(await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER), settings.base_url)


@post("/api/events", summary="Create an event (draft)", **ORGANISER)
async def api_create_event(
    data: JSONBody[EventWrite], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep
) -> OrganiserEvent:
    """Creates a draft; the answer (201) carries the `slug` made from the title (or the `slug` asked for)."""
    values = sent_fields(data)
    slug = values.pop("slug", None)
    organisation = values.pop("organisation", None)
    event = await programme.create_event(values, current_user, clock.now(), slug=slug, organisation=organisation)
    return OrganiserEvent.from_full_row(event, settings.base_url)


@patch("/api/events/{slug:str}", summary="Change an event", **ORGANISER)
async def api_update_event(
    slug: FromPath[str], data: JSONBody[EventPatch], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep
) -> OrganiserEvent:
    """Only the fields sent change; `sequence` rises when a calendar-relevant field changes."""
    event = await programme.event_for_organiser(slug, current_user)
    await programme.update_event(event, sent_fields(data), clock.now())
    return OrganiserEvent.from_full_row(await programme.event_by_id(event["id"]), settings.base_url)


async def _api_transition(slug: str, action: str, current_user: CurrentUser, clock: Clock, settings: Settings) -> OrganiserEvent:
    event = await programme.event_for_organiser(slug, current_user)
    row = await programme.change_status(event, action, clock.now())
    return OrganiserEvent.from_full_row(row, settings.base_url)


@post("/api/events/{slug:str}/publish", summary="Publish an event", status_code=200, **ORGANISER)
async def api_publish(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep) -> OrganiserEvent:
    return await _api_transition(slug, "publish", current_user, clock, settings)


@post("/api/events/{slug:str}/unpublish", summary="Take an event offline (back to draft)", status_code=200, **ORGANISER)
async def api_unpublish(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep) -> OrganiserEvent:
    return await _api_transition(slug, "unpublish", current_user, clock, settings)


@post("/api/events/{slug:str}/cancel", summary="Cancel an event", status_code=200, **ORGANISER)
async def api_cancel(slug: FromPath[str], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep) -> OrganiserEvent:
    return await _api_transition(slug, "cancel", current_user, clock, settings)


@delete("/api/events/{slug:str}", summary="Delete a draft event", **ORGANISER)
async def api_delete_event(slug: FromPath[str], current_user: CurrentUserDep) -> None:
    """204; 409 with the reason for anything but a draft without registrations (cancel a published event)."""
    event = await programme.event_for_organiser(slug, current_user)
    await programme.delete_event(event)


# --- organisers: sessions and speakers --------------------------------------------------------------------------


async def _session_answer(event: dict[str, Any], session_id: int) -> PublicSession:
    session = await programme.session_of_event(event, session_id)
    speakers = (await programme.speakers_of_event(event["id"])).get(session_id, [])
    return PublicSession.from_row({**session, "speakers": speakers}, event["timezone"])


@post("/api/events/{slug:str}/sessions", summary="Add a session", **ORGANISER)
async def api_create_session(slug: FromPath[str], data: JSONBody[SessionWrite], current_user: CurrentUserDep, clock: ClockDep) -> PublicSession:
    """Creates a session within its event's start and end; the answer (201) carries its `id`."""
    event = await programme.event_for_organiser(slug, current_user)
    session = await programme.create_session(event, sent_fields(data), clock.now())
    return await _session_answer(event, session["id"])


@patch("/api/events/{slug:str}/sessions/{session_id:int}", summary="Change a session", **ORGANISER)
async def api_update_session(
    slug: FromPath[str], session_id: FromPath[int], data: JSONBody[SessionPatch], current_user: CurrentUserDep,
    clock: ClockDep,
) -> PublicSession:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.update_session(event, session_id, sent_fields(data), clock.now())
    return await _session_answer(event, session_id)


@delete("/api/events/{slug:str}/sessions/{session_id:int}", summary="Delete a session", **ORGANISER)
async def api_delete_session(
    slug: FromPath[str], session_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep
) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.delete_session(event, session_id, clock.now())


@post(
    "/api/events/{slug:str}/sessions/{session_id:int}/speakers", summary="Add a speaker by e-mail", **ORGANISER,
    description=(
        "Puts the person with this address on the session and mails them: a speaker gets their personal link for "
        "this organisation by mail, which is never part of this answer. The answer only says where the mail went, "
        "the same whether or not the address already had an account."
    ),
)
async def api_add_speaker(
    slug: FromPath[str], session_id: FromPath[int], data: JSONBody[SpeakerAdd], current_user: CurrentUserDep,
    clock: ClockDep, settings: SettingsDep,
) -> SpeakerAdded:
    """Puts the person with this address on the session and mails them (a speaker gets their personal link for
    this organisation by mail; it is never part of this answer). The answer only says where the mail went: it is
    the same whether or not the address already had an account."""
    event = await programme.event_for_organiser(slug, current_user)
    added = await programme.add_speaker(
        event, session_id, data.email, clock.now(), data.name, data.organisation, base_url=settings.base_url
    )
    return SpeakerAdded(sent_to=added.email)


ROUTES = [
    api_list_events, api_event, api_my_events, api_my_event, api_create_event, api_update_event, api_publish,
    api_unpublish, api_cancel, api_delete_event, api_sessions, api_create_session, api_update_session,
    api_delete_session, api_add_speaker,
]
