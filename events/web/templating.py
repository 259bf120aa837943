"""Pages' template engine: the kernel's Jinja environment, reading the language from the request, plus the
globals only pages have (`current_user`, `lang_url`)."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine as _Engine
from litestar.template.config import TemplateConfig

from events.kernel.templates import TEMPLATES_DIR, build_environment
from events.web.i18n import language_of

__all__ = ["TEMPLATES_DIR", "build_page_environment", "template_config"]


def _request(ctx: Context) -> Any:
    return ctx.get("request")


def _lang(ctx: Context) -> str:
    request = _request(ctx)
    return language_of(request) if request is not None else "nl"


@pass_context
def _current_user(ctx: Context):
    request = _request(ctx)
    return request.scope.get("user") if request is not None else None


@pass_context
def _lang_url(ctx: Context, language: str) -> str:
    """A link that switches language and comes back to this page."""
    request = _request(ctx)
    path = request.url.path if request is not None else "/"
    return f"/lang/{language}?next={path}"


def build_page_environment():
    env = build_environment(_lang)
    env.globals.update(current_user=_current_user, lang_url=_lang_url)
    return env


def template_config() -> TemplateConfig:
    return TemplateConfig(instance=_Engine.from_environment(build_page_environment()))
