"""The access log without secrets: personal links, manage tokens, feed keys, join and invitation links travel in
paths, and a log line is read by more people than the link's owner. Each such segment is written as `…`."""

from __future__ import annotations

import atexit
import copy
import logging
import re
import sys
import threading
import time
from collections import deque
from http import HTTPStatus
from typing import Any, TextIO

from uvicorn.config import LOGGING_CONFIG

# A path segment that follows one of these prefixes is a secret (the rest of the path stays readable).
SECRET_PATHS = re.compile(
    r"(?P<prefix>/(?:p|j|registrations|invitations|calendar/personal|api/registrations|series/confirm|series/unsubscribe)/)"
    r"(?P<secret>[^/?#\s]+)"
)
SECRET_QUERY = re.compile(r"(?P<prefix>[?&](?:token|key|_csrf_token|code|registration)=)(?P<secret>[^&#\s]+)")
MASK = "…"


def masked(path: str) -> str:
    path = SECRET_PATHS.sub(lambda m: m["prefix"] + MASK, path)
    return SECRET_QUERY.sub(lambda m: m["prefix"] + MASK, path)


class MaskSecrets(logging.Filter):
    """Rewrites uvicorn's access record (client, method, path, version, status) before it is formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], masked(args[2]), *args[3:])
        return True


def log_config() -> dict:
    """uvicorn's logging configuration with the access lines masked."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_secrets"] = {"()": MaskSecrets}
    config["handlers"]["access"]["filters"] = ["mask_secrets"]
    return config


class AccessLog:
    """The access log as an ASGI wrapper: a request only notes (client, method, path, version, status); a
    background thread formats the masked lines and writes them a batch at a time. uvicorn's own access logger
    (a LogRecord, a formatter and a write per request) cost a measurable share of a cached answer."""

    def __init__(self, app: Any, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.app = app
        self.stream = stream
        self.interval = interval
        self.noted: deque[tuple] = deque()
        self.lock = threading.Lock()
        threading.Thread(target=self._write_forever, name="access-log", daemon=True).start()
        atexit.register(self.write)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def noting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.noted.append((scope.get("client"), scope["method"], scope["path"], scope.get("query_string", b""),
                                   scope.get("http_version", "1.1"), message["status"]))
            await send(message)

        await self.app(scope, receive, noting_send)

    def _write_forever(self) -> None:
        while True:
            time.sleep(self.interval)
            self.write()

    def write(self) -> None:
        """Writes what is noted so far (the thread calls it; so does the process's exit)."""
        with self.lock:
            lines = []
            while self.noted:
                lines.append(line_of(*self.noted.popleft()))
            if lines:
                stream = self.stream or sys.stdout
                stream.write("".join(lines))
                stream.flush()


def line_of(client: tuple | None, method: str, path: str, query: bytes, version: str, status: int) -> str:
    """uvicorn's access line, masked: `INFO:     1.2.3.4:5678 - "GET /p/… HTTP/1.1" 200 OK`."""
    where = f"{client[0]}:{client[1]}" if client else "-"
    target = path + ("?" + query.decode("latin-1") if query else "")
    return f'INFO:     {where} - "{method} {masked(target)} HTTP/{version}" {status} {_phrase(status)}\n'


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
