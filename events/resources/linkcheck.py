"""Link health of the library: is every resource's address still answering?

HEAD first (cheap); GET when the server refuses HEAD (405, 501, 403 and other 4xx/5xx — many sites answer HEAD
wrongly). Redirects are followed by hand, a bounded number of times, so a loop or an endless chain is reported as
broken instead of hanging. A semaphore bounds how many requests run at once; every request has a timeout and
every link a total deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from events.kernel.addresses import PrivateTarget, public_address
from events.resources.tables import Resource

USER_AGENT = "events-linkcheck/1.0 (+Platform weerbare overheid)"
REDIRECT_CODES = (301, 302, 303, 307, 308)


class PrivateAddress(Exception):
    """The host resolves to a loopback, private or link-local address: not ours to probe unless allowed."""


async def _refuse_private(url: str) -> None:
    # Organisers type these URLs; without this a link could make the checker probe the intranet or a cloud
    # metadata service and show the answer in the editor. The guard is the kernel's, shared with webhooks. (A DNS
    # answer may change between this check and the request; the checker only records a status, so that residue
    # is accepted.)
    host = urlsplit(url).hostname or ""
    try:
        await public_address(host, urlsplit(url).port or 443)
    except httpcore.ConnectError:
        return  # let the request fail with its own, clearer error
    except PrivateTarget as exc:
        raise PrivateAddress(str(exc)) from exc


@dataclass
class LinkResult:
    url: str
    status: int | None  # the last HTTP status seen, None when no answer came
    error: str  # "" when the link is fine
    elapsed_ms: int
    final_url: str = ""

    @property
    def broken(self) -> bool:
        return bool(self.error)


async def _probe(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """HEAD, then GET when HEAD is refused; the GET body is not read (the stream is closed at once)."""
    response = await client.head(url)
    if response.status_code >= 400:
        async with client.stream("GET", url) as streamed:
            return streamed
    return response


async def _follow(
    client: httpx.AsyncClient, url: str, max_redirects: int, allow_private: bool
) -> tuple[int | None, str, str]:
    seen = {url}
    current = url
    for _hop in range(max_redirects + 1):
        if not allow_private:
            await _refuse_private(current)  # every hop: a public host may redirect inwards
        response = await _probe(client, current)
        status = response.status_code
        if status in REDIRECT_CODES:
            location = response.headers.get("location")
            if not location:
                return status, current, f"HTTP {status} without a Location header"
            target = urljoin(current, location)
            if urlsplit(target).scheme not in ("http", "https"):
                return status, current, "redirect to a non-web address"
            if target in seen:
                return status, current, "redirect loop"
            seen.add(target)
            current = target
            continue
        if status >= 400:
            return status, current, f"HTTP {status}"
        return status, current, ""
    return status, current, f"too many redirects (more than {max_redirects})"


async def check_link(
    client: httpx.AsyncClient, url: str, *, request_timeout: float = 10.0, max_redirects: int = 5,
    allow_private: bool = False,
) -> LinkResult:
    """Never raises for network trouble: every failure becomes a LinkResult with an error."""
    started = time.perf_counter()
    status: int | None = None
    final = url
    try:
        # A total deadline as well: a server that trickles bytes can dodge per-read timeouts.
        status, final, error = await asyncio.wait_for(
            _follow(client, url, max_redirects, allow_private), timeout=request_timeout * (max_redirects + 2)
        )
    except PrivateAddress as exc:
        error = f"refused: {exc}"[:500]
    except (httpx.TimeoutException, TimeoutError):
        error = "timeout"
    except httpx.TooManyRedirects:
        error = "too many redirects"
    except httpx.ConnectError as exc:
        error = f"cannot connect: {exc}"[:500] if str(exc) else "cannot connect"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    except (httpx.InvalidURL, ValueError) as exc:  # e.g. a Location header httpx cannot parse
        error = f"invalid address: {exc}"[:500]
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    return LinkResult(url=url, status=status, error=error, elapsed_ms=elapsed_ms, final_url=final)


def make_client(timeout: float, concurrency: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,  # we follow them ourselves, with a bound and loop detection
        headers={"user-agent": USER_AGENT, "accept": "*/*"},
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )


async def record_result(resource_id: int, result: LinkResult, now: datetime) -> None:
    await Resource.update(
        {
            Resource.last_checked_at: now,
            Resource.last_status: result.status,
            Resource.last_error: result.error,
            Resource.last_elapsed_ms: result.elapsed_ms,
            Resource.broken: result.broken,
        }
    ).where(Resource.id == resource_id)


async def check_all_links(
    now: Callable[[], datetime],
    *,
    concurrency: int = 8,
    request_timeout: float = 10.0,
    max_redirects: int = 5,
    only_broken: bool = False,
    allow_private: bool = False,
    on_start: Callable[[int], Any] | None = None,
    on_done: Callable[[dict[str, Any], LinkResult], Any] | None = None,
) -> list[tuple[dict[str, Any], LinkResult]]:
    """Check every live (non-retired) resource and record each verdict as soon as it is known."""
    query = Resource.select(Resource.id, Resource.title, Resource.url).where(Resource.retired_at.is_null())
    if only_broken:
        query = query.where(Resource.broken == True)  # noqa: E712 - Piccolo builds SQL from ==
    rows = await query.order_by(Resource.id)
    if on_start:
        on_start(len(rows))
    gate = asyncio.Semaphore(max(1, concurrency))
    results: list[tuple[dict[str, Any], LinkResult]] = []

    async with make_client(request_timeout, concurrency) as client:

        async def one(row: dict[str, Any]) -> None:
            async with gate:
                result = await check_link(
                    client, row["url"], request_timeout=request_timeout, max_redirects=max_redirects,
                    allow_private=allow_private,
                )
            await record_result(row["id"], result, now())
            results.append((row, result))
            if on_done:
                on_done(row, result)

        await asyncio.gather(*(one(row) for row in rows))
    return results
