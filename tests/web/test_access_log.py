"""The access log never carries a secret of a path: uvicorn's own access logger, with our configuration."""

from __future__ import annotations

import io
import logging
import logging.config

from events.web.access_log import log_config, masked


def test_secrets_in_paths_and_queries_are_masked_and_the_rest_stays():
    assert masked("/p/abc123") == "/p/…"
    assert masked("/registrations/tok_en-1/invite.ics") == "/registrations/…/invite.ics"
    assert masked("/calendar/personal/12-deadbeef/feed.ics") == "/calendar/personal/…/feed.ics"
    assert masked("/j/secret?x=1") == "/j/…?x=1"
    assert masked("/materials/7/slides.pdf?registration=r3g&token=t0k") == "/materials/7/slides.pdf?registration=…&token=…"
    assert masked("/events/weerbare-organisatie") == "/events/weerbare-organisatie"


def test_uvicorns_access_line_is_written_masked():
    config = log_config()
    stream = io.StringIO()
    config["handlers"]["access"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/registrations/s3cr3t-t0ken", "1.1", 200
        )
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    line = stream.getvalue()
    assert "/registrations/…" in line and "s3cr3t" not in line


async def test_the_served_app_writes_one_masked_line_per_request(settings, clock, engine):
    """`events serve` runs the app inside AccessLog: each answer (404s too) is a line, the secret masked."""

    from events.app import create_app
    from events.web.access_log import AccessLog
    from tests.conftest import http_client

    stream = io.StringIO()
    served = AccessLog(create_app(settings, clock=clock, engine=engine), stream=stream, interval=3600)
    async with http_client(served) as client:
        await client.get("/livez")
        await client.get("/registrations/s3cr3t-t0ken?welcome=1")
        await client.get("/no-such-page")
    served.write()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith('"GET /livez HTTP/1.1" 200 OK')
    assert '"GET /registrations/…?welcome=1 HTTP/1.1"' in lines[1] and "s3cr3t" not in stream.getvalue()
    assert lines[2].endswith("404 Not Found")


def test_the_served_app_freezes_its_start_up_objects(settings, monkeypatch):
    """`events serve`'s app leaves the objects of its start-up out of the cyclic collector's full collections."""
    import gc

    from events import app as app_module

    monkeypatch.setattr(app_module, "create_app", lambda _settings: object())
    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    app_module.served_app(settings)
    assert frozen == [True]
