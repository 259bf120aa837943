"""The organiser's reminder page of an event: the schedule (the same minutes as the calendar's alarms) with a
Dutch and an English text per reminder, and a preview of each reminder mail as a participant gets it."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template

from events.ical.build import MAX_ALARMS
from events.kernel.errors import NotFound, RuleViolation
from events.kernel.i18n import LANGUAGES
from events.programme import service as programme
from events.registration import service
from events.registration.routes.dependencies import ManageLinksDep
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _rows(reminders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The form's rows: the schedule, then empty rows up to the calendar's limit."""
    empty = {"minutes_before": "", **{f"text_{lang}": "" for lang in LANGUAGES}}
    return [*reminders, *[empty] * (MAX_ALARMS - len(reminders))]


def _page(event: dict[str, Any], rows: list[dict[str, Any]], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template(
        "registration/reminders.html",
        context={"event": event, "rows": rows, "errors": errors, "placeholders": programme.PLACEHOLDERS},
        status_code=status_code, headers={"cache-control": "no-store"},
    )


def _sent_rows(data: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(MAX_ALARMS + 1):
        minutes = (data.get(f"minutes_{i}") or "").strip()
        if not minutes:
            continue
        texts = {f"text_{lang}": data.get(f"text_{lang}_{i}", "") for lang in LANGUAGES}
        rows.append({"minutes_before": int(minutes) if minutes.isascii() and minutes.isdigit() else minutes, **texts})
    return rows


@get("/organiser/events/{slug:str}/reminders", guards=[organiser_guard], name="registration:reminders")
async def reminders_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    return _page(event, _rows(programme.reminders_of(event)), {})


@post("/organiser/events/{slug:str}/reminders", guards=[organiser_guard], name="registration:reminders_save")
async def reminders_save(current_user: CurrentUserDep, clock: ClockDep, slug: FromPath[str], data: FormBody) -> Response:
    event = await programme.event_for_organiser(slug, current_user)
    rows = _sent_rows(data)
    try:
        await programme.update_event(event, {"reminders": rows}, clock.now())
    except RuleViolation as exc:
        return _page(event, _rows(rows), exc.errors, status_code=400)
    return Redirect(path=f"/organiser/events/{slug}/reminders", status_code=303)


@get("/organiser/events/{slug:str}/reminders/preview", guards=[organiser_guard], name="registration:reminder_preview")
async def reminder_preview(
    current_user: CurrentUserDep, clock: ClockDep, manage_links: ManageLinksDep, slug: FromPath[str],
    minutes: Annotated[int | None, QueryParameter(name="minutes")] = None,
    language: Annotated[str, QueryParameter(name="language")] = "",
) -> Template:
    event = await programme.event_for_organiser(slug, current_user)
    schedule = [r["minutes_before"] for r in programme.reminders_of(event)]
    minutes = schedule[0] if minutes is None and schedule else minutes  # bare: the first reminder
    if minutes not in schedule:
        raise NotFound("This reminder is not in the schedule")
    language = language if language in LANGUAGES else event["language"]
    preview = await service.reminder_preview(event, minutes, language, manage_links, clock.now())
    return Template(
        "registration/reminder_preview.html",
        context={"event": event, "minutes": minutes, "preview_language": language, "preview": preview},
        headers={"cache-control": "no-store"},
    )


ROUTES = [reminders_page, reminders_save, reminder_preview]
