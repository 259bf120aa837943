"""What travels on the live channels (the app's ChannelsPlugin: memory in one process, Redis across workers).
Each space has a room channel (`live:<id>`: what participants and the wall may see) and a moderators' channel
(`live-mod:<id>`: also pending questions and hidden results). Messages are JSON objects with "type" first."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency

from events.live.tables import QuestionState

ChannelsDep = NamedDependency[ChannelsPlugin]  # the app's ChannelsPlugin, by the name `channels`


def room_channel(space_id: int) -> str:
    return f"live:{space_id}"


def moderators_channel(space_id: int) -> str:
    return f"live-mod:{space_id}"


def publish(channels: ChannelsPlugin, names: list[str], message: dict[str, Any]) -> None:
    channels.publish(msgspec.json.encode(message), names)


def publish_question(channels: ChannelsPlugin, space_id: int, question: dict[str, Any]) -> None:
    """A new or changed question: to moderators always, to the room unless it waits for approval."""
    names = [moderators_channel(space_id)]
    if question["state"] != QuestionState.PENDING.value:
        names.append(room_channel(space_id))
    publish(channels, names, {"type": "question", "question": question})


def publish_votes(channels: ChannelsPlugin, space_id: int, question_id: int, votes: int) -> None:
    publish(channels, [room_channel(space_id), moderators_channel(space_id)],
            {"type": "votes", "question_id": question_id, "votes": votes})


def publish_poll(channels: ChannelsPlugin, space_id: int, poll: dict[str, Any] | None, results: dict | None) -> None:
    """The poll that is now open (or null) and its results when the room may see them."""
    publish(channels, [room_channel(space_id)], {"type": "poll", "poll": poll, "results": results})
    publish(channels, [moderators_channel(space_id)], {"type": "poll", "poll": poll, "results": results})


def publish_results(channels: ChannelsPlugin, space_id: int, results: dict[str, Any], revealed: bool) -> None:
    names = [moderators_channel(space_id)] + ([room_channel(space_id)] if revealed else [])
    publish(channels, names, {"type": "results", "results": results})


def publish_space(channels: ChannelsPlugin, space: dict[str, Any]) -> None:
    publish(channels, [room_channel(space["id"]), moderators_channel(space["id"])],
            {"type": "space", "is_open": space["is_open"]})
