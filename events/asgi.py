"""The ASGI entry point for uvicorn (`events serve` runs it; `uvicorn --factory events.asgi:create` works too)."""

from litestar import Litestar

from events.app import create_app
from events.kernel.settings import Settings


def create() -> Litestar:
    return create_app(Settings.from_env())
