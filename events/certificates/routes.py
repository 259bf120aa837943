"""The certificate's pages: the participant's PDF (`/registrations/{token}/certificate.pdf`, 404 until they
attended), the public check of a code (`/certificates/{code}`: genuine or not; rate limited) and the form to type
a code from paper (`/certificates`), and the sections on the manage page and in the follow-up mail."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from events.certificates import service
from events.kernel.sections import Section, SectionProvider
from events.registration.tables import RegistrationStatus
from events.web.deps import SettingsDep
from events.web.i18n import language_of

BARE = {"csrf_free": True, "skip_session": True}
FOLLOWUP_ATTENDED = "followup_attended"  # registration's RegistrationMailKind for attendees' follow-up mail


@get("/registrations/{token:str}/certificate.pdf", opt=BARE, tags=["certificates"], media_type="application/pdf",
     summary="A participant's certificate of attendance (PDF; 404 until they attended)", name="certificates:pdf")
async def certificate_pdf(token: FromPath[str], settings: SettingsDep) -> Response:
    body, filename = await service.certificate_pdf(token, settings.secret_key, settings.base_url)
    return Response(body, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store",
        "referrer-policy": "no-referrer", "x-robots-tag": "noindex",
    })


@get("/certificates", include_in_schema=False, name="certificates:check_form")
async def check_form(code: FromQuery[str] = "") -> Response:
    cleaned = "-".join(code.split())  # spaces typed between the groups stand for their dashes
    if cleaned:
        return Redirect(f"/certificates/{cleaned}", status_code=303)
    return Template("certificates/check.html", context={"code": ""})


@get("/certificates/{code:str}", include_in_schema=False, name="certificates:check",
     opt={**BARE, "rate_limit": "certificate"})
async def check(request: Request, code: FromPath[str], settings: SettingsDep) -> Template:
    found = await service.verification(code, settings.secret_key, language_of(request))
    headers = {"cache-control": "no-store", "x-robots-tag": "noindex", "referrer-policy": "no-referrer"}
    if found is None:
        return Template("certificates/unknown.html", context={"code": code[:60]}, status_code=404, headers=headers)
    return Template("certificates/genuine.html", context={"certificate": found}, headers=headers)


async def manage_panel(event: dict[str, Any], registration: Any, token: str, request: Request, **_: Any) -> Section | None:
    if registration.status != RegistrationStatus.CONFIRMED or request.app.state.clock.now() < event["starts_at"]:
        return None  # shown from the event's start (no query before it)
    if not await service.has_certificate(registration.id):
        return None
    return Section("certificates/panel_manage.html", {"token": token}, order=75)


async def mail_panel(event: dict[str, Any], registration: Any, kind: str, **_: Any) -> Section | None:
    if kind != FOLLOWUP_ATTENDED or not await service.has_certificate(registration.id):
        return None
    return Section("certificates/mail_link", {}, order=45)


ROUTES = [certificate_pdf, check_form, check]
SECTIONS: list[tuple[str, SectionProvider]] = [("manage_page", manage_panel), ("registration_mail", mail_panel)]
