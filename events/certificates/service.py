"""Certificates of attendance: who gets one (a confirmed registration that attended: joined online through the
personal link, or was checked in), what it says (name, event, date, the time attended or the event's duration,
the organisation, the verification code and a QR code to the check), and the public check of a code, which
shows the name's initials, the event and its date, nothing more.

The time attended runs from the first use of the join link (or the event's start, when earlier) to the event's
end: the link records arrivals, not leaving. Without a join inside the event (checked in onsite), the event's
duration."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events.certificates.codes import code_for, registration_id_of
from events.certificates.pdf import CertificateText, render
from events.kernel import writing
from events.kernel.errors import NotFound
from events.kernel.i18n import N_, gettext_for, ngettext_for
from events.organisations import service as organisations
from events.programme import service as programme
from events.programme.tables import EventStatus
from events.registration import service as registration
from events.registration.tables import Registration, RegistrationStatus

NOT_YET = N_("A certificate of attendance is available once you have attended the event.")
ATTENDANCE = (Registration.id, Registration.event, Registration.name, Registration.status, Registration.first_join_at,
              Registration.checked_in_at)


def attended_minutes(event: dict[str, Any], first_join_at: datetime | None) -> int:
    start, end = event["starts_at"], event["ends_at"]
    if first_join_at is not None and first_join_at < end:
        start = max(start, first_join_at)
    return max(0, int((end - start) / timedelta(minutes=1)))


def duration_text(minutes: int, language: str) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext_for(language, "%(num)d hour", "%(num)d hours", hours))
    if rest or not hours:
        parts.append(ngettext_for(language, "%(num)d minute", "%(num)d minutes", rest))
    return gettext_for(language, " and ").join(parts)


def initials(name: str) -> str:
    """"Jan de Vries" -> "J. d. V." (no more of the name than that)."""
    return " ".join(f"{word[0]}." for word in (name or "").split() if word[0].isalpha())


async def _attending(registration_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(registration row, event) when this registration has a certificate, else None."""
    row = await Registration.select(*ATTENDANCE).where(Registration.id == registration_id).first()
    if row is None or row["status"] != RegistrationStatus.CONFIRMED or not registration.attended(row):
        return None
    event = await programme.event_by_id(row["event"])
    if event is None or event["status"] == EventStatus.DRAFT:
        return None
    return row, event


def code_of(registration_id: int, secret_key: str) -> str:
    return code_for(registration_id, secret_key)


async def has_certificate(registration_id: int) -> bool:
    return await _attending(registration_id) is not None


def _text(row: dict[str, Any], event: dict[str, Any], organisation: str, code: str, verify_url: str) -> CertificateText:
    lang = event["language"] if event["language"] in ("nl", "en") else "nl"
    t = lambda message, **values: gettext_for(lang, message, **values)  # noqa: E731 - a short alias for the texts
    facts = [
        (t("Date"), writing.period(event["starts_at"], event["ends_at"], lang, event["timezone"])),
        (t("Time attended"), duration_text(attended_minutes(event, row["first_join_at"]), lang)),
    ]
    if organisation:
        facts.append((t("Organised by"), organisation))
    return CertificateText(
        language=lang, title=t("Certificate of attendance"), intro=t("This is to certify that"), name=row["name"],
        attended=t("attended"), event_title=event["title"], facts=facts, code_label=t("Verification code"), code=code,
        verify_text=t("Check that this certificate is genuine at:"), verify_url=verify_url,
        qr_alt=t("QR code to check this certificate: %(url)s", url=verify_url),
    )


async def certificate_pdf(token: str, secret_key: str, base_url: str) -> tuple[bytes, str]:
    """The PDF of this manage token's certificate and a file name; NotFound until the participant attended."""
    found = await registration.registration_by_token(token)
    attending = await _attending(found.id) if found else None
    if attending is None:
        raise NotFound(NOT_YET)
    row, event = attending
    organisation = (await organisations.organisation_by_id(event["organisation"])).name if event["organisation"] else ""
    code = code_for(row["id"], secret_key)
    verify_url = f"{base_url.rstrip('/')}/certificates/{code}"
    return render(_text(row, event, organisation, code, verify_url)), f"certificate-{event['slug']}.pdf"


async def verification(code: str, secret_key: str, language: str) -> dict[str, Any] | None:
    """What the public check shows of a genuine certificate (initials, event, date), or None for an unknown one."""
    registration_id = registration_id_of(code, secret_key)
    attending = await _attending(registration_id) if registration_id else None
    if attending is None:
        return None
    row, event = attending
    return {
        "code": code_for(row["id"], secret_key), "initials": initials(row["name"]), "event_title": event["title"],
        "date": writing.period(event["starts_at"], event["ends_at"], language, event["timezone"]),
    }
