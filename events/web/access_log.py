"""The access log without secrets: personal links, manage tokens, feed keys, join and invitation links travel in
paths, and a log line is read by more people than the link's owner. Each such segment is written as `…`."""

from __future__ import annotations

import copy
import logging
import re

from uvicorn.config import LOGGING_CONFIG

# A path segment that follows one of these prefixes is a secret (the rest of the path stays readable).
SECRET_PATHS = re.compile(
    r"(?P<prefix>/(?:p|j|registrations|invitations|calendar/personal|api/registrations)/)(?P<secret>[^/?#\s]+)"
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
