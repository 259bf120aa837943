"""Cross-cutting pages: health check, the language switch, the accessibility statement and security.txt."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated

from litestar import MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from piccolo.engine.base import Engine

from events.kernel.i18n import LANGUAGES
from events.web.auth import BARE
from events.web.deps import ClockDep, SettingsDep
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
    return Response(LIVE, media_type=MediaType.JSON)


LIVE = b'{"status":"ok"}'  # encoded once


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


@get("/toegankelijkheid", opt={"csrf_free": True}, include_in_schema=False)
async def accessibility_statement(settings: SettingsDep) -> Template:
    """The platform's accessibility statement, in the structure of the official Dutch template."""
    return Template("site/accessibility.html", context={"contact_email": settings.contact_email})


@get("/.well-known/security.txt", opt={"csrf_free": True}, include_in_schema=False, media_type="text/plain")
async def security_txt(settings: SettingsDep, clock: ClockDep) -> Response:
    """RFC 9116: where to report a vulnerability; it expires `security_txt_days` ahead, so it is never stale."""
    expires = (clock.now().astimezone(UTC) + timedelta(days=settings.security_txt_days)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.security_contact}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: nl, en",
        f"Canonical: {settings.base_url}/.well-known/security.txt",
    ]
    return Response("\n".join(lines) + "\n", media_type="text/plain; charset=utf-8")


ROUTES = [livez, healthz, switch_language, accessibility_statement, security_txt]
