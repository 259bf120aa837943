"""Chromium frames the embedded registration form on a host the organisation lists, and refuses to on another;
the framed form registers without cookies."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.conftest import api, create_webinar


class _Parent:
    """A web page on its own origin (another port) that frames `src`."""

    def __init__(self, src: str) -> None:
        body = f'<!doctype html><title>Gemeente</title><h1>Gemeente</h1><iframe src="{src}" width="800" height="900"></iframe>'

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def framed(live_server, organiser_token) -> Iterator[tuple[dict, _Parent, _Parent]]:
    webinar = create_webinar(live_server, organiser_token)
    src = f"{live_server.url}/embed/events/{webinar['slug']}/register"
    allowed, refused = _Parent(src), _Parent(src)
    with api(live_server, organiser_token) as client:
        slug = client.get("/api/organisations").json()[0]["slug"]
        answer = client.put(f"/api/organisations/{slug}/embed", json={"hosts": [allowed.url.rstrip("/")]})
        assert answer.status_code == 200, answer.text
    yield webinar, allowed, refused
    allowed.stop()
    refused.stop()


def _embedded(page):
    return next((f for f in page.frames if "/embed/events/" in f.url), None)


def test_the_listed_host_frames_the_form_and_registers_without_cookies(framed, page):
    webinar, allowed, _refused = framed
    page.goto(allowed.url)
    frame = page.frame_locator("iframe")
    frame.locator("h1").wait_for()
    assert webinar["title"] in frame.locator("h1").inner_text()
    frame.locator("#field-name").fill("Fatima de Vries")
    frame.locator("#field-email").fill("fatima@gemeente-utrecht.nl")
    frame.locator("form.registration-form button[type=submit]").click()
    frame.locator('[data-outcome="confirmed"]').wait_for()
    assert page.context.cookies() == []  # neither the frame nor the form needed a cookie


def test_another_host_is_refused(framed, page):
    _webinar, _allowed, refused = framed
    page.goto(refused.url)
    page.wait_for_load_state("load")
    frame = _embedded(page)
    blocked = frame is None or frame.url.startswith("chrome-error://") or frame.locator("form").count() == 0
    assert blocked, frame.url if frame else None
