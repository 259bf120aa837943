"""The SMTP transport: where `EVENTS_SMTP_URL` points, and one connection over which a round's messages go."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiosmtplib

# What a failing server, network or timeout raises: the message is tried again later.
SMTP_ERRORS = (TimeoutError, aiosmtplib.SMTPException, OSError)
RecipientRefused = aiosmtplib.SMTPRecipientsRefused


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        scheme = parts.scheme
        default_port = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}[scheme]
        return cls(
            hostname=parts.hostname or "127.0.0.1",
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=scheme == "smtps",
            start_tls=scheme == "smtp+starttls",
        )


async def connect(target: SmtpTarget, seconds: float) -> aiosmtplib.SMTP:
    """A connected (and, with credentials, logged-in) client that waits at most `seconds` for the server; raises
    one of SMTP_ERRORS."""
    client = aiosmtplib.SMTP(
        hostname=target.hostname,
        port=target.port,
        use_tls=target.use_tls,
        start_tls=target.start_tls,
        timeout=seconds,
    )
    await client.connect()
    if target.username:
        await client.login(target.username, target.password or "")
    return client


async def disconnect(client: aiosmtplib.SMTP) -> None:
    """QUIT politely; a server that is gone by now is simply closed."""
    try:
        await client.quit()
    except SMTP_ERRORS:
        client.close()
