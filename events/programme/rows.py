"""Typed rows the programme hands to its routes and to other domains (events and sessions stay dicts for now)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from events.accounts.tables import Role


@dataclass(frozen=True)
class SpeakerCredit:
    """A speaker as the public programme names them: no e-mail address, no account details."""

    id: int
    name: str
    organisation: str


@dataclass(frozen=True)
class Speaker:
    """A speaker on a session as its organisers see them (the e-mail address is never public)."""

    id: int
    name: str
    email: str
    organisation: str
    role: str

    @property
    def is_speaker(self) -> bool:
        """A speaker account signs in with a personal link; organisers and admins have their own sign-in."""
        return self.role == Role.SPEAKER

    def credit(self) -> SpeakerCredit:
        return SpeakerCredit(id=self.id, name=self.name, organisation=self.organisation)


@dataclass(frozen=True)
class PublicSpeaker:
    """The public speaker page: profile and the sessions of events that are not drafts (rows with event fields)."""

    id: int
    name: str
    organisation: str
    bio: str
    sessions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class AddedSpeaker:
    """The outcome of putting someone on a session, as the organiser may see it: the address the mail went to
    (never whether the account is new, never the personal link)."""

    speaker_id: int
    email: str
