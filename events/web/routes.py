"""Cross-cutting pages: health check and the language switch."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect
from piccolo.engine.base import Engine

from events.kernel.i18n import LANGUAGES
from events.web.auth import BARE
from events.web.i18n import LANG_COOKIE


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never let a `next` parameter send people to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@get("/livez", opt=BARE, include_in_schema=False)
async def livez() -> Response:
    """Liveness: the process answers (no database round trip). Also the benchmarks' hello route: the cheapest
    answer through the same middleware stack as every other route."""
    return Response({"status": "ok"})


@get("/healthz", opt=BARE, include_in_schema=False)
async def healthz(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    try:
        await engine.run_ddl("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return Response({"status": "error", "database": str(exc.__class__.__name__)}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


@get("/lang/{language:str}", opt={"csrf_free": True}, include_in_schema=False)
async def switch_language(language: FromPath[str], next_: Annotated[str | None, QueryParameter(name="next")] = None) -> Redirect:
    if language not in LANGUAGES:
        raise NotFoundException()
    response = Redirect(path=safe_next(next_))
    response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


ROUTES = [livez, healthz, switch_language]
