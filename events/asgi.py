"""The ASGI entry point for uvicorn (`events serve` runs it; `uvicorn --factory events.asgi:create` works too)."""

from events.app import served_app
from events.kernel.settings import Settings


def create():
    return served_app(Settings.from_env())
