"""Pages' template engine: the kernel's Jinja environment, reading the language from the request, plus the
globals only pages have (`current_user`, `lang_url`)."""

from __future__ import annotations

from functools import partial
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine as _Engine
from litestar.template.config import TemplateConfig

from events.kernel.i18n import gettext_for, ngettext_for
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
    # the scope's path as `request.url.path` gives it, without building the whole URL (every page links twice)
    path = request.scope.get("root_path", "") + request.scope["path"] if request is not None else "/"
    return f"/lang/{language}?next={path}"


def build_page_environment():
    env = build_environment(_lang)
    env.globals.update(current_user=_current_user, lang_url=_lang_url)
    return env


class _PageTemplate:
    """A page's template: its render gives the page `_`, `ngettext` and `current_lang` already bound to the
    request's language, plain callables in the render's context, ahead of the environment's globals that look the
    language up from the request at every call (a page says some thirty texts: 4% of the manage page). Imported
    macros, which see no render context, keep the globals."""

    __slots__ = ("template",)

    def __init__(self, template: Any) -> None:
        self.template = template

    def render(self, *args: Any, **context: Any) -> str:
        request = context.get("request")
        if request is not None:
            language = language_of(request)
            context.setdefault("_", partial(gettext_for, language))
            context.setdefault("ngettext", partial(ngettext_for, language))
            context.setdefault("current_lang", partial(str, language))
        return self.template.render(*args, **context)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)


class _PageEngine(_Engine):
    def get_template(self, template_name: str) -> Any:
        return _PageTemplate(super().get_template(template_name))


def template_config() -> TemplateConfig:
    return TemplateConfig(instance=_PageEngine.from_environment(build_page_environment()))
