"""Speakers of an event through the API, as the programme editor has them: the list and one speaker with the
organisation's own profile (name, affiliation, bio), changing that profile, taking someone off a session, and a new
personal link, which goes by mail only (the answer says where to, never the link)."""

from __future__ import annotations

from typing import Any

from litestar import Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from events.accounts.rows import Profile
from events.organisations.tables import OrgRole
from events.programme import service as programme
from events.programme.schemas import SpeakerAdded, SpeakerProfileOut, SpeakerProfilePatch
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.pagination import PAGE_HEADERS, PagingDep

ORGANISER = {"tags": ["programme"], "guards": [organiser_guard], "security": [{"BearerToken": []}]}
SPEAKER = "/api/events/{slug:str}/speakers/{speaker_id:int}"


async def _sessions_by_speaker(event_id: int) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for session_id, speakers in (await programme.speakers_of_event(event_id)).items():
        for speaker in speakers:
            found.setdefault(speaker.id, []).append(session_id)
    return found


def _out(profile: Profile, session_ids: list[int]) -> SpeakerProfileOut:
    return SpeakerProfileOut(id=profile.id, email=profile.email, name=profile.name, affiliation=profile.organisation,
                             bio=profile.bio, session_ids=sorted(session_ids))


async def _speaker(event: dict[str, Any], speaker_id: int) -> SpeakerProfileOut:
    profile = await programme.speaker_of_event(event, speaker_id)
    return _out(profile, (await _sessions_by_speaker(event["id"])).get(speaker_id, []))


@get("/api/events/{slug:str}/speakers", summary="The event's speakers, with the organisation's profile of each and "
     "their sessions (paginated)", response_headers=PAGE_HEADERS, **ORGANISER)
async def api_speakers(slug: FromPath[str], current_user: CurrentUserDep, paging: PagingDep) -> Response[list[SpeakerProfileOut]]:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    sessions: dict[int, list[int]] = {}
    by_id = {}
    for session_id, speakers in (await programme.speakers_of_event(event["id"])).items():
        for speaker in speakers:
            by_id.setdefault(speaker.id, speaker)
            sessions.setdefault(speaker.id, []).append(session_id)
    ordered = paging.window(sorted(by_id.values(), key=lambda s: (s.name.casefold(), s.id)))
    bios = await programme.profiles_for(event["organisation"], [s.id for s in ordered])
    page = [SpeakerProfileOut(id=s.id, email=s.email, name=s.name, affiliation=s.organisation,
                              bio=(bios.get(s.id) or {}).get("bio") or "", session_ids=sorted(sessions.get(s.id, [])))
            for s in ordered]
    return paging.answer(page, len(by_id))


@get(SPEAKER, summary="One speaker of the event, with the organisation's profile", **ORGANISER)
async def api_speaker(slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep) -> SpeakerProfileOut:
    event = await programme.event_for_organiser(slug, current_user, OrgRole.VIEWER)
    return await _speaker(event, speaker_id)


@patch(SPEAKER, summary="Change the organisation's profile of a speaker (other organisations' profiles stay)",
       **ORGANISER)
async def api_update_speaker(
    slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep,
    data: JSONBody[SpeakerProfilePatch],
) -> SpeakerProfileOut:
    event = await programme.event_for_organiser(slug, current_user)
    current = await programme.speaker_of_event(event, speaker_id)
    values = {
        "name": current.name if data.name is None else data.name,
        "organisation": current.organisation if data.affiliation is None else data.affiliation,
        "bio": current.bio if data.bio is None else data.bio,
    }
    await programme.update_speaker_profile(event, speaker_id, values, clock.now())
    return await _speaker(event, speaker_id)


@delete("/api/events/{slug:str}/sessions/{session_id:int}/speakers/{speaker_id:int}", status_code=204,
        summary="Take a speaker off a session (their account and materials stay)", **ORGANISER)
async def api_remove_speaker(
    slug: FromPath[str], session_id: FromPath[int], speaker_id: FromPath[int], current_user: CurrentUserDep,
    clock: ClockDep,
) -> None:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.remove_speaker(event, session_id, speaker_id, clock.now())


@post(SPEAKER + "/link", status_code=202, summary="Mail the speaker a new personal link (their older links from "
      "this organisation stop working); the answer says where it went, never the link", **ORGANISER)
async def api_new_speaker_link(
    slug: FromPath[str], speaker_id: FromPath[int], current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep,
) -> SpeakerAdded:
    event = await programme.event_for_organiser(slug, current_user)
    await programme.new_speaker_link(event, speaker_id, clock.now(), base_url=settings.base_url)
    return SpeakerAdded(sent_to=(await programme.speaker_of_event(event, speaker_id)).email)


ROUTES = [api_speakers, api_speaker, api_update_speaker, api_remove_speaker, api_new_speaker_link]
