"""The one Jinja2 environment definition: templates under `templates/`, autoescaped HTML, gettext and the date
filters. Pages (the web layer) and mails (the outbox) each build one, telling it where a template finds its
language: the request for pages, the `language` variable for mails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from events.kernel import writing
from events.kernel.i18n import gettext_for, ngettext_for

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

LanguageOf = Callable[[Context], str]


def _filters_and_globals(language_of: LanguageOf) -> tuple[dict[str, Any], dict[str, Any]]:
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
    def datetime_filter(ctx: Context, value: datetime | None, tz: str | None = None, fmt: str = "full") -> str:
        """"donderdag 20 januari 2028, 13.00 uur"; any other `fmt` drops the weekday."""
        return "" if value is None else writing.moment(value, language_of(ctx), tz, weekday=fmt == "full")

    @pass_context
    def date_filter(ctx: Context, value: datetime | None, tz: str | None = None, fmt: str = "full") -> str:
        """"donderdag 20 januari 2028"; any other `fmt` is "20 januari 2028"."""
        return "" if value is None else writing.day(value, language_of(ctx), tz, weekday=fmt == "full")

    @pass_context
    def time_filter(ctx: Context, value: datetime | None, tz: str | None = None) -> str:
        return "" if value is None else writing.clock(value, language_of(ctx), tz)

    @pass_context
    def period_filter(ctx: Context, start: datetime | None, end: datetime | None, tz: str | None = None) -> str:
        """`start | period(end, tz)`: "donderdag 20 januari 2028, 13.00 tot 15.00 uur"."""
        return "" if start is None else writing.period(start, end, language_of(ctx), tz)

    @pass_context
    def hours_filter(ctx: Context, start: datetime | None, end: datetime | None, tz: str | None = None) -> str:
        """`start | hours(end, tz)`: "13.00 tot 15.00 uur" / "1–3 pm"."""
        return "" if start is None or end is None else writing.hours(start, end, language_of(ctx), tz)

    filters = {
        "datetime": datetime_filter, "date": date_filter, "time": time_filter, "when": datetime_filter,
        "period": period_filter, "hours": hours_filter,
    }
    globals_ = {"_": gettext, "ngettext": ngettext, "current_lang": current_lang}
    return filters, globals_


def build_environment(language_of: LanguageOf) -> Environment:
    """Autoescape for HTML (and strings); `.txt` templates (the text part of mails) are plain text."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "jinja"], default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates change with a deploy (a restart): no stat of every file at every render
    )
    filters, globals_ = _filters_and_globals(language_of)
    env.filters.update(filters)
    env.globals.update(globals_)
    return env
