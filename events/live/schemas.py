"""msgspec Structs of the live API (requests; answers are documented JSON objects, see README "Live protocol")."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct


class SpaceRequest(Struct):
    session_id: int | None = None  # none: the event's own space
    premoderation: bool = False
    anonymous_allowed: bool = True


class JoinRequest(Struct):
    name: Annotated[str, Meta(max_length=80)] | None = None


class QuestionRequest(Struct):
    text: Annotated[str, Meta(max_length=2000)]  # the 280-character rule answers with a clear message
    name: Annotated[str, Meta(max_length=200)] | None = None


class PollRequest(Struct):
    kind: Annotated[str, Meta(description="choice | multiple | scale | words")]
    question: Annotated[str, Meta(max_length=2000)]
    options: Annotated[list[Any], Meta(max_length=20, description="choice/multiple: option texts; scale: [5] or [10]")] | None = None
    revealed: bool = True  # false: results hidden from the room until `reveal`


class ResponseRequest(Struct):
    answer: Annotated[Any, Meta(description="choice: [index]; multiple: [indexes]; scale: value; words: up to 3 strings")]


class RatingRequest(Struct):
    stars: int
    comment: Annotated[str, Meta(max_length=4000)] | None = None


class HideWordRequest(Struct):
    word: Annotated[str, Meta(max_length=80)]
