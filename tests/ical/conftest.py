"""Calendar tests: no in-process mail deliverer racing the test (mail tests deliver explicitly)."""

from __future__ import annotations

from dataclasses import replace

import pytest


@pytest.fixture
def settings(settings):
    return replace(settings, deliver_in_process=False)
