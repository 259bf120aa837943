"""What the evaluation adds to other domains' pages and mails (registered by `EvaluationPlugin.contribute`): the
way to the form on the participant's manage page and in the follow-up mail, and the way to the results on the
organiser's event dashboard."""

from __future__ import annotations

from typing import Any

from litestar import Request

from events.evaluation import service
from events.evaluation.tables import Response
from events.kernel.sections import Section, SectionProvider
from events.registration.tables import RegistrationStatus

# The follow-up mails (registration's RegistrationMailKind values, added by the follow-up work).
FOLLOWUP_ATTENDED = "followup_attended"
FOLLOWUP_NO_SHOW = "followup_no_show"


async def manage_panel(event: dict[str, Any], registration: Any, token: str, request: Request, **_: Any) -> Section | None:
    if registration.status != RegistrationStatus.CONFIRMED or request.app.state.clock.now() < event["starts_at"]:
        return None  # nothing to answer before the event begins (and no query for it)
    if await service.has_answered(registration.id):
        return Section("evaluation/panel_manage.html", {"token": token, "answered": True}, order=70)
    if await service.closed_reason(event, registration, request.app.state.clock.now()):
        return None
    return Section("evaluation/panel_manage.html", {"token": token, "answered": False}, order=70)


async def mail_panel(event: dict[str, Any], registration: Any, kind: str, language: str, **_: Any) -> Section | None:
    """The evaluation link in the follow-up mail: to attendees, and to no-shows where the event lets them answer."""
    if kind not in (FOLLOWUP_ATTENDED, FOLLOWUP_NO_SHOW) or registration.status != RegistrationStatus.CONFIRMED:
        return None
    if not await service.questions_of(event["id"]) or await service.has_answered(registration.id):
        return None
    if kind == FOLLOWUP_NO_SHOW and not (await service.form_of(event["id"]))["no_shows_may_answer"]:
        return None
    return Section("evaluation/mail_link", {}, order=40)


async def organiser_event_panel(event: dict[str, Any], **_: Any) -> Section:
    count = await Response.count().where(Response.event == event["id"])
    return Section("evaluation/panel_organiser_event.html", {"event": event, "count": count}, order=75)


SECTIONS: list[tuple[str, SectionProvider]] = [
    ("manage_page", manage_panel),
    ("registration_mail", mail_panel),
    ("organiser_event", organiser_event_panel),
]
