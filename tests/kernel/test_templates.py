"""The one template environment: once a template is loaded, rendering it again does not look at the file; a page's
texts are said in its language, asked for once; dates are written by babel once."""

from __future__ import annotations

import os.path
from datetime import UTC, datetime
from types import SimpleNamespace

from events.kernel import writing
from events.kernel.templates import build_environment
from events.web import templating


def test_a_loaded_template_is_not_checked_on_disk_at_every_render(monkeypatch):
    env = build_environment(lambda _context: "nl")
    env.get_template("base.html")  # loaded (and its file read) once
    looked: list[str] = []
    getmtime = os.path.getmtime
    monkeypatch.setattr(os.path, "getmtime", lambda path: looked.append(path) or getmtime(path))
    for _ in range(3):
        env.get_template("base.html")
    assert looked == []  # templates change with a deploy, which restarts the process


def test_a_page_looks_up_its_language_once_not_for_every_text(monkeypatch):
    """A page's render binds `_` to the request's language: base.html says some fifteen texts, the language is
    asked for once (the environment's globals would ask the request at every text)."""
    asked: list[object] = []

    def language_of(request):
        asked.append(request)
        return request.scope["events_lang"]

    monkeypatch.setattr(templating, "language_of", language_of)
    engine = templating.template_config().engine_instance
    request = SimpleNamespace(scope={"events_lang": "en", "user": None, "path": "/"})
    english = engine.get_template("base.html").render(request=request, csrf_input="")
    assert "Skip to content" in english and '<html lang="en">' in english
    assert len(asked) == 1
    request.scope["events_lang"] = "nl"
    dutch = engine.get_template("base.html").render(request=request, csrf_input="")
    assert "Naar de inhoud" in dutch and '<html lang="nl">' in dutch and "Skip to content" not in dutch
    assert len(asked) == 2


def test_a_date_is_written_by_babel_once_per_day_pattern_and_language(monkeypatch):
    written: list[tuple] = []
    format_date = writing.format_date
    monkeypatch.setattr(writing, "format_date", lambda *a, **k: written.append((a, k)) or format_date(*a, **k))
    writing._written_date.cache_clear()
    moment = datetime(2028, 1, 20, 12, 0, tzinfo=UTC)
    assert writing.day(moment, "nl", weekday=True) == "donderdag 20 januari 2028"
    assert writing.day(moment, "nl", weekday=True) == "donderdag 20 januari 2028"
    assert writing.day(moment, "en", weekday=True) == "Thursday 20 January 2028"
    assert writing.day(moment, "nl") == "20 januari 2028"
    assert len(written) == 3  # the repeat came from the kept writing
