"""An organisation's theme on the web: its stylesheet of design tokens and its logo, for its event pages, embeds
and mails. Both are public (the pages that use them are), carry an ETag, and are cached by browsers for a year
when asked for with the current version (`?v=`, which changes with the theme), else revalidated on every use."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.params import FromPath

from events.organisations import service
from events.organisations.service.logos import SVG
from events.web.public_cache import PUBLIC_PROGRAMME

# Served from the public cache (events.web.public_cache): a change of the organisation's row (colour, logo) bumps
# the programme's content version in the same transaction, so the next request gets the new theme.
PUBLIC = {"csrf_free": True, "skip_session": True, **PUBLIC_PROGRAMME}
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
# A logo opened on its own is a document of this site: it may run nothing and load nothing (SVG styles inline).
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


def _cached(request: Request, etag: str, current: str, content: bytes | str, media_type: str, headers: dict) -> Response:
    caching = FOREVER if request.query_params.get("v") == current else REVALIDATE
    headers = {"etag": etag, "cache-control": caching, "x-content-type-options": "nosniff", **headers}
    wanted = [tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")]
    if etag in wanted or "*" in wanted:
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=content, media_type=media_type, headers=headers)


@get("/organisations/{slug:str}/theme.css", opt=PUBLIC, include_in_schema=False)
async def theme_stylesheet(request: Request, slug: FromPath[str]) -> Response:
    organisation = await service.public_organisation(slug)
    theme = service.theme_for(organisation)
    return _cached(request, f'"{theme.version}"', theme.version, service.stylesheet(organisation), "text/css", {})


@get("/organisations/{slug:str}/logo", opt=PUBLIC, include_in_schema=False)
async def logo(request: Request, slug: FromPath[str]) -> Response:
    organisation, content_type, data = await service.logo_of(slug)
    extension = "svg" if content_type == SVG else "png"
    headers = {"content-security-policy": LOGO_POLICY,
               "content-disposition": f'inline; filename="logo-{organisation.slug}.{extension}"'}
    version = organisation.logo_digest[:16]
    return _cached(request, f'"{version}"', version, data, content_type, headers)


ROUTES = [theme_stylesheet, logo]
