"""The Jinja2 environment: autoescape on, and the globals every template may use (`_`, `lang`, `user`, …)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine as _Engine
from litestar.template.config import TemplateConfig

from events.web.i18n import gettext_for, language_of, ngettext_for

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def _request(ctx) -> Any:
    return ctx.get("request")


def _lang(ctx) -> str:
    request = _request(ctx)
    return language_of(request) if request is not None else "nl"


@pass_context
def _gettext(ctx, message: str, **values: Any) -> str:
    return gettext_for(_lang(ctx), message, **values)


@pass_context
def _ngettext(ctx, singular: str, plural: str, n: int, **values: Any) -> str:
    return ngettext_for(_lang(ctx), singular, plural, n, **values)


@pass_context
def _current_lang(ctx) -> str:
    return _lang(ctx)


@pass_context
def _current_user(ctx):
    request = _request(ctx)
    return request.scope.get("user") if request is not None else None


def _localise(value: datetime, tz: str | None) -> datetime:
    return value.astimezone(ZoneInfo(tz)) if tz else value


@pass_context
def _format_datetime(ctx, value: datetime | None, tz: str | None = None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(_localise(value, tz), format=fmt, locale=LOCALES[_lang(ctx)])


@pass_context
def _format_date(ctx, value: datetime | None, tz: str | None = None, fmt: str = "full") -> str:
    if value is None:
        return ""
    return format_date(_localise(value, tz), format=fmt, locale=LOCALES[_lang(ctx)])


@pass_context
def _format_time(ctx, value: datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    return format_time(_localise(value, tz), format="HH:mm", locale=LOCALES[_lang(ctx)])


@pass_context
def _lang_url(ctx, language: str) -> str:
    """A link that switches language and comes back to this page."""
    request = _request(ctx)
    path = request.url.path if request is not None else "/"
    return f"/lang/{language}?next={path}"


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "jinja"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        _=_gettext,
        ngettext=_ngettext,
        current_lang=_current_lang,
        current_user=_current_user,
        lang_url=_lang_url,
    )
    env.filters.update(datetime=_format_datetime, date=_format_date, time=_format_time)
    return env


def template_config() -> TemplateConfig:
    return TemplateConfig(instance=_Engine.from_environment(build_environment()))
