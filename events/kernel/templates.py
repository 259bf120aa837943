"""The one Jinja2 environment definition: templates under `templates/`, autoescaped HTML, gettext and the date
filters. Pages (the web layer) and mails (the outbox) each build one, telling it where a template finds its
language: the request for pages, the `language` variable for mails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from events.kernel.i18n import LOCALES, gettext_for, ngettext_for

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

LanguageOf = Callable[[Context], str]


def _localise(value: datetime, tz: str | None) -> datetime:
    return value.astimezone(ZoneInfo(tz)) if tz else value


def _filters_and_globals(language_of: LanguageOf) -> tuple[dict[str, Any], dict[str, Any]]:
    def locale(ctx: Context) -> str:
        return LOCALES.get(language_of(ctx), LOCALES["nl"])

    @pass_context
    def gettext(ctx: Context, message: str, **values: Any) -> str:
        return gettext_for(language_of(ctx), message, **values)

    @pass_context
    def ngettext(ctx: Context, singular: str, plural: str, n: int, **values: Any) -> str:
        return ngettext_for(language_of(ctx), singular, plural, n, **values)

    @pass_context
    def current_lang(ctx: Context) -> str:
        return language_of(ctx)

    @pass_context
    def datetime_filter(ctx: Context, value: datetime | None, tz: str | None = None, fmt: str = "medium") -> str:
        return "" if value is None else format_datetime(_localise(value, tz), format=fmt, locale=locale(ctx))

    @pass_context
    def date_filter(ctx: Context, value: datetime | None, tz: str | None = None, fmt: str = "full") -> str:
        return "" if value is None else format_date(_localise(value, tz), format=fmt, locale=locale(ctx))

    @pass_context
    def time_filter(ctx: Context, value: datetime | None, tz: str | None = None) -> str:
        return "" if value is None else format_time(_localise(value, tz), format="HH:mm", locale=locale(ctx))

    @pass_context
    def when(ctx: Context, value: datetime | None, tz: str = "Europe/Amsterdam", fmt: str = "full") -> str:
        if value is None:
            return ""
        pattern = "EEEE d MMMM y, HH:mm" if fmt == "full" else fmt
        return format_datetime(_localise(value, tz), format=pattern, locale=locale(ctx))

    filters = {"datetime": datetime_filter, "date": date_filter, "time": time_filter, "when": when}
    globals_ = {"_": gettext, "ngettext": ngettext, "current_lang": current_lang}
    return filters, globals_


def build_environment(language_of: LanguageOf) -> Environment:
    """Autoescape for HTML (and strings); `.txt` templates (the text part of mails) are plain text."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "jinja"], default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters, globals_ = _filters_and_globals(language_of)
    env.filters.update(filters)
    env.globals.update(globals_)
    return env
