"""Attendance over HTTP: the participant's personal join link `/j/{token}` (302 to the meeting, recorded unless
it is a HEAD request, a prefetch or a link previewer), the organiser's attendance page and CSV, and the API."""

from __future__ import annotations

from litestar import Request, Response, get, route
from litestar.params import FromPath
from litestar.response import Redirect, Template

from events.programme import service as programme
from events.registration import service
from events.registration.schemas import AttendanceItem
from events.web.auth import organiser_guard
from events.web.deps import ClockDep, CurrentUserDep, SettingsDep
from events.web.downloads import NO_STATE
from events.web.i18n import language_of
from events.web.pagination import PAGE_HEADERS, PagingDep

# The meeting's address must not reach the meeting's server as a Referer of ours, nor stay in a cache.
JOIN_HEADERS = {"cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex"}


@route("/j/{token:str}", http_method=["GET", "HEAD"], name="registration:join", opt=dict(NO_STATE),
       tags=["registration"], summary="A participant's personal join link: on to the online meeting")
async def join(request: Request, token: FromPath[str], settings: SettingsDep, clock: ClockDep) -> Redirect:
    """302 to the meeting; 404 for an unknown token or no confirmed place; 410 once the event is cancelled."""
    counts = not service.is_preview(request.method, dict(request.headers))
    url = await service.use_join_link(token, settings.secret_key, clock.now(), counts)
    return Redirect(path=url, status_code=302, headers=JOIN_HEADERS)


@get("/organiser/events/{slug:str}/attendance", guards=[organiser_guard], name="registration:attendance")
async def attendance_page(current_user: CurrentUserDep, slug: FromPath[str]) -> Template:
    event = await programme.event_for_member(slug, current_user)
    rows = await service.attendance_of(event["id"])
    confirmed = [r for r in rows if r["status"] == "confirmed"]
    return Template(
        "registration/attendance.html",
        context={
            "event": event, "rows": rows, "sessions": await service.session_attendance(event["id"]),
            "attended": sum(1 for r in confirmed if r["attended"]), "confirmed": len(confirmed),
        },
        headers={"cache-control": "no-store"},
    )


@get("/organiser/events/{slug:str}/attendance/export", guards=[organiser_guard], name="registration:attendance_csv")
async def attendance_export(request: Request, current_user: CurrentUserDep, slug: FromPath[str], clock: ClockDep) -> Response:
    event = await programme.event_for_member(slug, current_user)
    body = await service.attendance_csv(event, current_user, clock.now(), language_of(request))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="attendance-{event["slug"]}.csv"', "cache-control": "no-store",
    })


@get("/api/events/{slug:str}/attendance", response_headers=PAGE_HEADERS,
     tags=["registration"], guards=[organiser_guard], name="api:attendance")
async def api_attendance(
    paging: PagingDep, current_user: CurrentUserDep, slug: FromPath[str],
) -> Response[list[AttendanceItem]]:
    """Per registration of an event you organise: status, attended, first_join_at, last_join_at, checked_in_at."""
    event = await programme.event_for_member(slug, current_user)
    return paging.answer_all([
        AttendanceItem(id=r["id"], name=r["name"], email=r["email"], status=r["status"], attended=r["attended"],
                       first_join_at=r["first_join_at"], last_join_at=r["last_join_at"], checked_in_at=r["checked_in_at"])
        for r in await service.attendance_of(event["id"])
    ])


ROUTES = [join, attendance_page, attendance_export, api_attendance]
