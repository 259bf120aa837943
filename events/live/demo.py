"""The live part of the demo: an open space on the conference's opening session with a few questions (one
pinned, one answered), a poll with answers and two ratings. Idempotent: a session's space is made once."""

from __future__ import annotations

from typing import Any

from events.live import service
from events.programme import service as programme
from events.programme.tables import Event

SLUG = "weerbare-organisatie"
QUESTIONS = (
    ("Hoe krijg ik mijn bestuur mee in een crisisoefening?", "Fatima", ("pin",)),
    ("Welke kosten horen bij een jaarlijkse oefening?", None, ()),
    ("Mogen we de draaiboeken van andere gemeenten gebruiken?", "Joost", ("answered",)),
)


async def load(context: Any) -> None:
    row = await Event.select().where(Event.slug == SLUG).first()
    sessions = await programme.sessions_of(row["id"]) if row else []
    if not sessions or await service.space_of_session(sessions[0]["id"]):
        context.report.append("live: nothing added")
        return
    space = await service.set_open((await service.create_space(row, sessions[0]["id"]))["id"], True)
    people = [(await service.join(space, name))[1] for name in ("Fatima", "Joost", None, None)]
    for (text, name, moves), asker in zip(QUESTIONS, people, strict=False):
        question = await service.ask(space, asker, text, name)
        for voter in people[: 1 + len(text) % 4]:
            await service.vote(space, voter, question["id"])
        for move in moves:
            await service.moderate(space, question["id"], move, context.now)
    poll = await service.create_poll(space, "choice", "Oefent uw organisatie dit jaar?", ["Ja", "Nee", "Weet ik niet"])
    await service.move(space, poll["id"], "open")
    for n, person in enumerate(people):
        await service.respond(space, person, poll["id"], [n % 3], context.now)
    await service.rate(space, people[0], 5, "Heel praktisch.")
    await service.rate(space, people[1], 4, "")
    context.report.append(f"live: a space with code {space['code']} on '{sessions[0]['title']}'")
