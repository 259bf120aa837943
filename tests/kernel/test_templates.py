"""The one template environment: once a template is loaded, rendering it again does not look at the file."""

from __future__ import annotations

import os.path

from events.kernel.templates import build_environment


def test_a_loaded_template_is_not_checked_on_disk_at_every_render(monkeypatch):
    env = build_environment(lambda _context: "nl")
    env.get_template("base.html")  # loaded (and its file read) once
    looked: list[str] = []
    getmtime = os.path.getmtime
    monkeypatch.setattr(os.path, "getmtime", lambda path: looked.append(path) or getmtime(path))
    for _ in range(3):
        env.get_template("base.html")
    assert looked == []  # templates change with a deploy, which restarts the process
