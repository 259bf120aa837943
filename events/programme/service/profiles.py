"""Speakers' profiles as an organisation's programme shows them (name, affiliation, bio), edited by that
organisation's editors: one organisation's changes never reach what another shows, nor the account itself."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from events.accounts import service as accounts
from events.accounts.rows import Profile
from events.accounts.tables import Role
from events.kernel.database import write_transaction
from events.kernel.errors import Forbidden, NotFound, RuleViolation
from events.kernel.i18n import N_
from events.programme.service.queries import profiles_for, speaks_at_event
from events.programme.service.rules import clean_text
from events.programme.service.sessions import date_programme_change
from events.programme.tables import SessionSpeaker, SpeakerProfile


async def speaker_of_event(event: dict[str, Any], speaker_id: int) -> Profile:
    """A speaker account on one of this event's sessions as the event's organisation shows it, for its organisers
    to edit; other accounts are refused."""
    if not await speaks_at_event(event["id"], speaker_id):
        raise NotFound(N_("This person is not a speaker of this event"))
    profile = await accounts.profile_of(speaker_id)
    if profile is None or profile.role != Role.SPEAKER:
        raise Forbidden(N_("Only the profile of a speaker account can be edited here"))
    shown = (await profiles_for(event["organisation"], [speaker_id])).get(speaker_id)
    if shown is None:
        return profile
    return dataclasses.replace(profile, name=shown["name"], organisation=shown["affiliation"], bio=shown["bio"])


def _clean_profile(data: dict[str, Any]) -> dict[str, str]:
    values = {
        "name": clean_text(data.get("name")),
        "organisation": clean_text(data.get("organisation")),
        "bio": (data.get("bio") or "").strip(),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = N_("Enter the speaker's name")
    elif len(values["name"]) > 200:
        errors["name"] = N_("The name is too long")
    if len(values["organisation"]) > 200:
        errors["organisation"] = N_("The organisation may be at most 200 characters long")
    if len(values["bio"]) > 5000:
        errors["bio"] = N_("The biography may be at most 5000 characters long")
    if errors:
        raise RuleViolation(N_("The profile could not be saved"), errors)
    return values


async def update_speaker_profile(event: dict[str, Any], speaker_id: int, data: dict[str, Any], now: datetime) -> Profile:
    """Change how the event's organisation shows this speaker; other organisations' profiles stay as they are."""
    current = await speaker_of_event(event, speaker_id)
    values = _clean_profile(data)
    owner = event["organisation"]
    async with write_transaction(SessionSpeaker._meta.db):
        changed = await SpeakerProfile.update({
            SpeakerProfile.name: values["name"], SpeakerProfile.affiliation: values["organisation"],
            SpeakerProfile.bio: values["bio"],
        }).where((SpeakerProfile.organisation == owner) & (SpeakerProfile.speaker == speaker_id)).returning(
            SpeakerProfile.id
        )
        if not changed:
            await SpeakerProfile(
                organisation=owner, speaker=speaker_id, name=values["name"], affiliation=values["organisation"],
                bio=values["bio"],
            ).save()
        if values["name"] != current.name:  # this organisation's programmes that show the speaker changed
            rows = await SessionSpeaker.select(SessionSpeaker.session.event.as_alias("event")).where(
                (SessionSpeaker.speaker == speaker_id) & (SessionSpeaker.session.event.organisation == owner)
            )
            await date_programme_change(sorted({row["event"] for row in rows}), now)
    return dataclasses.replace(current, **values)
