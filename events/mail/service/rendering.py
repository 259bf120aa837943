"""A message's content: its text and HTML parts from `templates/`, and the MIME message that carries them (with a
calendar invitation when there is one)."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from events.kernel.templates import build_environment

_env = build_environment(lambda ctx: ctx.get("language", "nl"))


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The text and HTML parts of `templates/<template>.txt|.html` in this language."""
    values = {**context, "language": language}
    text = _env.get_template(f"{template}.txt").render(values)
    html = _env.get_template(f"{template}.html").render(values)
    return text, html


class _RememberedHeaders(HeaderRegistry):
    """The standard header registry, remembering the headers it parsed: most of a message's headers (From, the MIME
    parts' Content-Type and Content-Transfer-Encoding, the attachment's disposition) are the same in every message,
    and parsing them again was two fifths of building one (py-spy). Header objects are immutable strings."""

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one registry for the process: its cache lives as long
    def _parsed(self, name: str, value: str):
        return super().__call__(name, value)

    def __call__(self, name, value):
        return self._parsed(name, value) if type(value) is str else super().__call__(name, value)


MAIL_POLICY = policy.default.clone(header_factory=_RememberedHeaders())


def build_mime(message: dict[str, Any], mail_from: str, now: datetime) -> EmailMessage:
    """Text + HTML as multipart/alternative; with a calendar, multipart/mixed holding the alternative (text, html,
    text/calendar; method=…) and the same .ics as the attachment `invite.ics`."""
    mime = EmailMessage(policy=MAIL_POLICY)
    mime["From"] = mail_from
    mime["To"] = message["to_address"]
    mime["Subject"] = message["subject"]
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = message.get("message_id") or make_msgid(domain="events.local")
    mime["Content-Language"] = message.get("language") or "nl"
    mime["Auto-Submitted"] = "auto-generated"
    for name, value in json.loads(message.get("headers") or "{}").items():
        mime[name] = value
    mime.set_content(message["text_body"], charset="utf-8")
    if message.get("html_body"):
        mime.add_alternative(message["html_body"], subtype="html", charset="utf-8")
    ics = message.get("calendar_ics")
    if ics:
        method = (message.get("calendar_method") or "REQUEST").upper()
        mime.add_alternative(ics, subtype="calendar", charset="UTF-8", params={"method": method})
        mime.add_attachment(
            ics.encode("utf-8"), maintype="text", subtype="calendar", filename="invite.ics", params={"method": method}
        )
    return mime
