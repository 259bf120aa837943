"""The one place for settings: read from EVENTS_* environment variables, validated, with safe defaults.

A malformed value raises SettingsError whose message names the variable; the CLI prints that one line and
exits, so nobody has to read a traceback to fix a typo in their environment.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from events.kernel.i18n import LANGUAGES


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message starts with the variable's name."""


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed EVENTS_DATABASE_URL: either a SQLite file or a PostgreSQL server."""

    kind: str  # "sqlite" | "postgres"
    path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str | None = None
    database: str = "events"
    raw: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.kind == "sqlite"

    def postgres_config(self) -> dict:
        config = {"host": self.host, "port": self.port, "user": self.user, "database": self.database}
        if self.password:
            config["password"] = self.password
        return config

    def with_database(self, name: str) -> DatabaseURL:
        return replace(self, database=name)


def parse_database_url(value: str, base_dir: Path | None = None) -> DatabaseURL:
    """Parse ``sqlite:///relative/path.db``, ``sqlite:////abs/path.db`` or ``postgres://user@host:port/db``."""
    name = "EVENTS_DATABASE_URL"
    if value.startswith("sqlite:///"):
        raw_path = value[len("sqlite:///") :]
        if not raw_path or raw_path.endswith("/"):
            raise SettingsError(f"{name}: expected sqlite:///path/to/file.db, got {value!r}")
        path = Path(raw_path)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return DatabaseURL(kind="sqlite", path=path, raw=value)
    parts = urlsplit(value)
    if parts.scheme in ("postgres", "postgresql"):
        database = parts.path.lstrip("/")
        if not parts.hostname or not database:
            raise SettingsError(f"{name}: expected postgres://user@host:port/database, got {value!r}")
        try:
            port = parts.port or 5432
        except ValueError as exc:
            raise SettingsError(f"{name}: the port is not a number in {value!r}") from exc
        return DatabaseURL(
            kind="postgres",
            host=parts.hostname,
            port=port,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password) if parts.password else None,
            database=database,
            raw=value,
        )
    raise SettingsError(f"{name}: use sqlite:///path or postgres://user@host/db, got {value!r}")


def _check_url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise SettingsError(f"{name}: expected a {'/'.join(schemes)} URL with a host, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise SettingsError(f"{name}: the port is not a number in {value!r}") from exc
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        number = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from exc
    if number < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}, got {number}")
    return number


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}: expected true or false, got {raw!r}")


# Requests per client address in a fixed window: (count, seconds). EVENTS_RATE_LIMITS=off switches them off
# (benchmarks); "login=10/60,registration=30/60" overrides some; "quiz_join=off" switches one off.
# Generous for shared addresses: a ministry behind one NAT after a mailing, a conference room on one Wi-Fi.
# `login_account` counts sign-in attempts per account (whatever the address they come from), beside `login` per address.
DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "login": (10, 60), "login_account": (10, 900), "registration": (60, 60), "quiz_join": (600, 60),
    # Live spaces: joining per address (a whole hall on one Wi-Fi), asking questions per address.
    "live_join": (1200, 60), "live_ask": (300, 60),
    # "Tell me when the next one opens" on a series page, per address (each request may send a mail).
    "series_subscribe": (20, 600),
}


def parse_rate_limits(raw: str | None) -> dict[str, tuple[int, int]]:
    name = "EVENTS_RATE_LIMITS"
    if raw is None or raw.strip() == "":
        return dict(DEFAULT_RATE_LIMITS)
    if raw.strip().lower() in ("off", "false", "0", "none"):
        return {}
    limits = dict(DEFAULT_RATE_LIMITS)
    for part in raw.split(","):
        bucket, _, value = part.strip().partition("=")
        if bucket not in DEFAULT_RATE_LIMITS:
            raise SettingsError(f"{name}: unknown limit {bucket!r}; use {', '.join(DEFAULT_RATE_LIMITS)} or off")
        if value.strip().lower() == "off":
            limits.pop(bucket)
            continue
        count, _, seconds = value.partition("/")
        if not (count.strip().isdigit() and seconds.strip().isdigit()) or int(count) < 1 or int(seconds) < 1:
            raise SettingsError(f"{name}: expected {bucket}=COUNT/SECONDS (e.g. {bucket}=10/60), got {part.strip()!r}")
        limits[bucket] = (int(count), int(seconds))
    return limits


@dataclass(frozen=True)
class Settings:
    database: DatabaseURL
    data_dir: Path
    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    redis_url: str | None = None
    smtp_url: str | None = None
    mail_from: str = "Evenementen <noreply@events.local>"
    default_language: str = "nl"
    retention_days: int = 365
    # The platform's contact for privacy questions and accessibility complaints (the /privacy and
    # /toegankelijkheid pages), and where security reports go (/.well-known/security.txt, RFC 9116).
    contact_email: str = "contact@events.local"
    security_contact: str = "mailto:security@events.local"
    security_txt_days: int = 180  # security.txt's Expires lies this many days ahead (RFC 9116: under a year)
    max_upload_mb: int = 50
    # Deliver the outbox inside `events serve`; switch off when `events worker` runs on its own.
    deliver_in_process: bool = True
    # Secure cookies need HTTPS; on by default whenever the base URL is https.
    secure_cookies: bool = False
    debug: bool = False
    # uvicorn's access log (secrets masked); on by default, `off` to measure its share or when a proxy logs.
    access_log: bool = True
    # Webhooks and the link checker may reach loopback and private addresses (tests, local development only).
    allow_private_targets: bool = False
    rate_limits: dict = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    extra: dict = field(default_factory=dict)

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
        env = os.environ if env is None else env
        cwd = cwd or Path.cwd()
        data_dir = Path(env.get("EVENTS_DATA_DIR") or "var")
        if not data_dir.is_absolute():
            data_dir = cwd / data_dir
        if data_dir.exists() and not data_dir.is_dir():
            raise SettingsError(f"EVENTS_DATA_DIR: {data_dir} exists and is not a directory")

        database = parse_database_url(env.get("EVENTS_DATABASE_URL") or "sqlite:///var/events.db", base_dir=cwd)

        redis_url = env.get("EVENTS_REDIS_URL") or None
        if redis_url:
            _check_url("EVENTS_REDIS_URL", redis_url, ("redis", "rediss"))
        smtp_url = env.get("EVENTS_SMTP_URL") or None
        if smtp_url:
            _check_url("EVENTS_SMTP_URL", smtp_url, ("smtp", "smtps", "smtp+starttls"))

        base_url = (env.get("EVENTS_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
        _check_url("EVENTS_BASE_URL", base_url, ("http", "https"))

        language = (env.get("EVENTS_DEFAULT_LANGUAGE") or "nl").strip().lower()
        if language not in LANGUAGES:
            raise SettingsError(f"EVENTS_DEFAULT_LANGUAGE: choose one of {', '.join(LANGUAGES)}, got {language!r}")

        secret_key = env.get("EVENTS_SECRET_KEY") or ""
        if secret_key and len(secret_key) < 32:
            raise SettingsError("EVENTS_SECRET_KEY: must be at least 32 characters long")
        if not secret_key:
            secret_key = _persistent_secret(data_dir)

        security_contact = (env.get("EVENTS_SECURITY_CONTACT") or cls.security_contact).strip()
        if not (security_contact.startswith("https://") or re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.\w+", security_contact)):
            raise SettingsError(f"EVENTS_SECURITY_CONTACT: expected mailto:ADDRESS or an https URL, got {security_contact!r}")
        security_txt_days = _int(env, "EVENTS_SECURITY_TXT_DAYS", 180, minimum=1)
        if security_txt_days > 364:
            raise SettingsError(f"EVENTS_SECURITY_TXT_DAYS: must be under a year (RFC 9116), got {security_txt_days}")

        return cls(
            database=database,
            data_dir=data_dir,
            secret_key=secret_key,
            base_url=base_url,
            redis_url=redis_url,
            smtp_url=smtp_url,
            mail_from=env.get("EVENTS_MAIL_FROM") or cls.mail_from,
            default_language=language,
            retention_days=_int(env, "EVENTS_RETENTION_DAYS", 365, minimum=1),
            contact_email=(env.get("EVENTS_CONTACT_EMAIL") or cls.contact_email).strip(),
            security_contact=security_contact,
            security_txt_days=security_txt_days,
            max_upload_mb=_int(env, "EVENTS_MAX_UPLOAD_MB", 50, minimum=1),
            deliver_in_process=_bool(env, "EVENTS_DELIVER_IN_PROCESS", True),
            secure_cookies=_bool(env, "EVENTS_SECURE_COOKIES", base_url.startswith("https://")),
            debug=_bool(env, "EVENTS_DEBUG", False),
            access_log=_bool(env, "EVENTS_ACCESS_LOG", True),
            allow_private_targets=_bool(env, "EVENTS_ALLOW_PRIVATE_TARGETS", False),
            rate_limits=parse_rate_limits(env.get("EVENTS_RATE_LIMITS")),
        )


def _persistent_secret(data_dir: Path) -> str:
    """Generate the secret key once and keep it under the data dir, so sessions survive a restart."""
    path = data_dir / "secret_key"
    try:
        if path.exists():
            value = path.read_text().strip()
            if len(value) >= 32:
                return value
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        # Created owner-readable only: the key signs sessions and CSRF tokens.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        return value
    except OSError as exc:
        raise SettingsError(f"EVENTS_DATA_DIR: cannot keep the secret key in {data_dir}: {exc.strerror}") from exc
