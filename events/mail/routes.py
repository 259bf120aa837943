"""Mail delivery inside `events serve` (when settings.deliver_in_process) and the organiser's view of mail that
could not be delivered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from litestar import Litestar, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from events.mail import service
from events.mail.worker import run_worker
from events.programme import service as programme
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep


@contextlib.asynccontextmanager
async def deliver_in_process(app: Litestar) -> AsyncIterator[None]:
    settings = app.state.settings
    if not settings.deliver_in_process:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(settings, app.state.clock, app.state.engine, stop), name="mail-deliverer")
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)


@get("/organiser/events/{slug:str}/mail", guards=[organiser_guard], name="mail:failed")
async def failed_mail_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return Template(
        "mail/failed.html",
        context={
            "event": event,
            "messages": await service.failed_messages(event["id"]),
            "counts": await service.mail_counts(event["id"]),
        },
        headers={"cache-control": "no-store"},
    )


@post("/organiser/events/{slug:str}/mail/retry", guards=[organiser_guard], name="mail:retry")
async def retry_failed_mail(
    current_user: CurrentUserDep,
    clock: ClockDep,
    slug: FromPath[str],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    event = await programme.event_for_organiser(slug, current_user)
    message_id = int(data["message"]) if data.get("message", "").isdigit() else None
    await service.retry_failed(event["id"], message_id, clock.now())
    return Redirect(path=f"/organiser/events/{slug}/mail", status_code=303)


ROUTES = [failed_mail_page, retry_failed_mail]
LIFESPAN = [deliver_in_process]
