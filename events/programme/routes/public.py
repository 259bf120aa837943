"""The public programme: home and archive, event, session and speaker pages, and the privacy statement."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from events.kernel.errors import NotFound
from events.kernel.i18n import N_
from events.kernel.sections import sections_for
from events.organisations import service as organisations
from events.programme import service as programme
from events.programme.routes.labels import LABELS
from events.programme.tables import EventKind
from events.web.deps import ClockDep, MaybeUserDep, SettingsDep
from events.web.public_cache import PUBLIC_PROGRAMME

KindQuery = Annotated[str | None, QueryParameter(name="kind")]


def _kind_filter(kind: str | None) -> str | None:
    return kind if kind in tuple(EventKind) else None


@get("/", opt={"csrf_free": True, **PUBLIC_PROGRAMME}, include_in_schema=False)
async def home(clock: ClockDep, kind: KindQuery = None) -> Template:
    kind = _kind_filter(kind)
    events = await programme.upcoming_events(clock.now(), kind=kind)
    return Template("programme/home.html", context={"events": events, "kind": kind, "labels": LABELS})


@get("/archive", opt={"csrf_free": True, **PUBLIC_PROGRAMME}, include_in_schema=False)
async def archive(clock: ClockDep, kind: KindQuery = None) -> Template:
    kind = _kind_filter(kind)
    events = await programme.past_events(clock.now(), kind=kind)
    return Template("programme/archive.html", context={"events": events, "kind": kind, "labels": LABELS})


@get("/events/{slug:str}", include_in_schema=False)
async def event_page(request: Request, slug: FromPath[str], clock: ClockDep, current_user: MaybeUserDep) -> Template:
    event = await programme.require_public_event(slug)
    now = clock.now()
    sessions = [
        {**s, "public_recordings": programme.released_recordings(s, now, registrant=False)}
        for s in await programme.public_agenda(event)
    ]
    sections = await sections_for("event_page", event=event, request=request, current_user=current_user)
    return Template(
        "programme/event.html",
        context={
            "event": event,
            "days": programme.agenda_by_day(sessions, event["timezone"]),
            "description_html": programme.render_markdown(event["description"]),
            "sections": sections,
            "ended": event["ends_at"] < now,
            "event_recordings": programme.released_recordings(event, now, registrant=False),
            "may_manage": await programme.may_edit(event, current_user),
            "organisation": await organisations.organisation_by_id(event["organisation"]) if event["organisation"] else None,
            "labels": LABELS,
        },
    )


@get("/events/{slug:str}/sessions/{session_id:int}", include_in_schema=False)
async def session_page(
    request: Request, slug: FromPath[str], session_id: FromPath[int], current_user: MaybeUserDep, clock: ClockDep
) -> Template:
    event = await programme.require_public_event(slug)
    session = await programme.session_of_event(event, session_id)
    speakers = (await programme.speakers_of_event(event["id"])).get(session_id, [])
    sections = await sections_for("session_page", event=event, session=session, request=request, current_user=current_user)
    return Template(
        "programme/session.html",
        context={
            "event": event, "session": session, "sections": sections, "labels": LABELS,
            "speakers": [speaker.credit() for speaker in speakers],
            "abstract_html": programme.render_markdown(session["abstract"]),
            "recordings": programme.released_recordings(session, clock.now(), registrant=False),
        },
    )


@get("/speakers/{speaker_id:int}", opt={"csrf_free": True}, include_in_schema=False)
async def speaker_page(speaker_id: FromPath[int]) -> Template:
    speaker = await programme.public_speaker(speaker_id)
    if speaker is None:
        raise NotFound(N_("No speaker with this number"))
    return Template(
        "programme/speaker.html",
        context={"speaker": speaker, "bio_html": programme.render_markdown(speaker.bio), "labels": LABELS},
    )


@get("/privacy", opt={"csrf_free": True}, include_in_schema=False)
async def privacy(settings: SettingsDep) -> Template:
    with_statement = [o for o in await organisations.all_organisations() if o.privacy_url]
    return Template(
        "site/privacy.html",
        context={"retention_days": settings.retention_days, "contact_email": settings.contact_email,
                 "organisations": with_statement},
    )


ROUTES = [home, archive, event_page, session_page, speaker_page, privacy]
