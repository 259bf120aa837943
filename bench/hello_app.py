"""The yardstick of the web benchmark: a bare Litestar app with one route returning a short text.

    .venv/bin/uvicorn --app-dir bench hello_app:app --workers 1 --no-access-log
"""

from litestar import Litestar, get


@get("/", sync_to_thread=False)
def hello() -> str:
    return "hello"


app = Litestar(route_handlers=[hello])
