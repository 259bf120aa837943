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
