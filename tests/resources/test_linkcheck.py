"""The link checker, against a local HTTP server only (never the internet)."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from events.resources import linkcheck, service
from events.resources.tables import Resource
from tests.conftest import free_port, settings_env
from tests.resources.helpers import make_resource


class Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, str]] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _answer(self, status: int, location: str | None = None, body: bytes = b"ok") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _route(self) -> None:
        Handler.hits.append((self.command, self.path))
        path = self.path
        if path == "/ok":
            return self._answer(200)
        if path == "/missing":
            return self._answer(404)
        if path in ("/no-head", "/head-forbidden"):
            if self.command == "HEAD":
                return self._answer(405 if path == "/no-head" else 403)
            return self._answer(200)
        if path == "/moved":
            return self._answer(301, "/ok")
        if path == "/loop-a":
            return self._answer(302, "/loop-b")
        if path == "/loop-b":
            return self._answer(302, f"http://127.0.0.1:{self.server.server_port}/loop-a")
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            return self._answer(302, f"/chain/{n + 1}")
        if path == "/slow":
            time.sleep(3)
            return self._answer(200)
        if path == "/to-javascript":
            return self._answer(302, "javascript:alert(1)")
        return self._answer(500)

    do_HEAD = _route  # noqa: N815 - http.server's naming
    do_GET = _route  # noqa: N815


@pytest.fixture
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.hits = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


async def check(url: str, **kwargs) -> linkcheck.LinkResult:
    async with linkcheck.make_client(1.0, 4) as client:
        kwargs.setdefault("allow_private", True)  # the local test server is on 127.0.0.1
        return await linkcheck.check_link(client, url, request_timeout=kwargs.pop("request_timeout", 1.0), **kwargs)


async def test_ok(local_server):
    result = await check(f"{local_server}/ok")
    assert (result.status, result.error, result.broken) == (200, "", False)
    assert Handler.hits == [("HEAD", "/ok")]  # HEAD was enough: no GET


async def test_not_found(local_server):
    result = await check(f"{local_server}/missing")
    assert result.broken and result.status == 404 and result.error == "HTTP 404"
    assert ("GET", "/missing") in Handler.hits  # a refused HEAD is tried again with GET


@pytest.mark.parametrize("path", ["/no-head", "/head-forbidden"])
async def test_head_refused_then_get_ok(local_server, path):
    result = await check(f"{local_server}{path}")
    assert (result.status, result.broken) == (200, False)
    assert Handler.hits == [("HEAD", path), ("GET", path)]


async def test_redirect_followed(local_server):
    result = await check(f"{local_server}/moved")
    assert not result.broken and result.status == 200 and result.final_url == f"{local_server}/ok"


async def test_redirect_loop_is_broken(local_server):
    result = await check(f"{local_server}/loop-a")
    assert result.broken and result.error == "redirect loop"
    assert len(Handler.hits) <= 3


async def test_too_many_redirects_is_broken(local_server):
    result = await check(f"{local_server}/chain/0", max_redirects=3)
    assert result.broken and result.error.startswith("too many redirects")
    assert len(Handler.hits) == 4  # the first request and three redirects, then it stops


async def test_redirect_to_a_non_web_address_is_broken(local_server):
    result = await check(f"{local_server}/to-javascript")
    assert result.broken and ("non-web" in result.error or "invalid address" in result.error)


async def test_timeout_is_broken(local_server):
    started = time.monotonic()
    result = await check(f"{local_server}/slow", request_timeout=0.3)
    assert result.broken and result.error == "timeout" and result.status is None
    assert time.monotonic() - started < 2.5


async def test_connection_refused_is_broken():
    result = await check(f"http://127.0.0.1:{free_port()}/")
    assert result.broken and result.error.startswith("cannot connect")


async def test_check_all_records_results_and_skips_retired(engine, local_server, clock):
    ok = await make_resource("Goed", url=f"{local_server}/ok")
    gone = await make_resource("Weg", url=f"{local_server}/missing")
    loop = await make_resource("Lus", url=f"{local_server}/loop-a")
    no_head = await make_resource("Geen HEAD", url=f"{local_server}/no-head")
    retired = await make_resource("Oud", url=f"{local_server}/missing")
    await service.retire_resource(retired.id, clock.now())
    started: list[int] = []
    done: list[str] = []
    results = await linkcheck.check_all_links(
        clock.now, concurrency=2, request_timeout=1.0, allow_private=True, on_start=started.append, on_done=lambda row, r: done.append(row["title"])
    )
    assert started == [4] and sorted(done) == sorted(["Goed", "Weg", "Lus", "Geen HEAD"]) and len(results) == 4
    rows = {r["id"]: r for r in await Resource.select()}
    assert rows[ok.id]["broken"] is False and rows[ok.id]["last_status"] == 200
    assert rows[ok.id]["last_checked_at"] == clock.now() and rows[ok.id]["last_elapsed_ms"] is not None
    assert rows[gone.id]["broken"] is True and rows[gone.id]["last_error"] == "HTTP 404"
    assert rows[loop.id]["broken"] is True and rows[loop.id]["last_error"] == "redirect loop"
    assert rows[no_head.id]["broken"] is False
    assert rows[retired.id]["last_checked_at"] is None  # retired resources are not checked
    # only re-check the broken ones
    again = await linkcheck.check_all_links(clock.now, only_broken=True, request_timeout=1.0, allow_private=True)
    assert sorted(row["title"] for row, _ in again) == ["Lus", "Weg"]
    # a new address clears the old verdict
    await service.update_resource(gone.id, {"url": f"{local_server}/ok"}, clock.now())
    assert (await service.get_resource(gone.id)).broken is False


async def test_concurrency_is_bounded(engine, local_server, clock):
    for i in range(6):
        await make_resource(f"Traag {i}", url=f"{local_server}/slow?{i}")
    # /slow?i is not routed to the sleeper (path differs), so use the real slow path with a bounded gate
    await Resource.update({Resource.url: f"{local_server}/slow"}).where(Resource.id > 0)
    started = time.monotonic()
    await linkcheck.check_all_links(clock.now, concurrency=3, request_timeout=0.2, allow_private=True)
    elapsed = time.monotonic() - started
    # 6 requests that each time out after ~0.2 s, 3 at a time: at least two rounds
    assert elapsed >= 0.35
    assert all(r["broken"] for r in await Resource.select(Resource.broken))


@pytest.mark.parametrize("url", ["/ok", "http://localhost:9/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/"])
async def test_private_addresses_are_refused_by_default(local_server, url):
    target = local_server + url if url.startswith("/") else url
    result = await check(target, allow_private=False)
    assert result.broken and result.error.startswith("refused:")
    assert Handler.hits == []  # nothing was sent


async def test_a_redirect_inwards_is_refused(local_server, monkeypatch):
    calls = []

    async def only_second_hop_private(url):
        calls.append(url)
        if len(calls) > 1:
            raise linkcheck.PrivateAddress("inward")

    monkeypatch.setattr(linkcheck, "_refuse_private", only_second_hop_private)
    result = await check(f"{local_server}/moved", allow_private=False)
    assert result.broken and result.error == "refused: inward" and Handler.hits == [("HEAD", "/moved")]


async def test_check_links_command(settings, engine, local_server):
    await make_resource("Goed", url=f"{local_server}/ok")
    await make_resource("Weg", url=f"{local_server}/missing")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "events.cli", "check-links", "--timeout", "2", "--concurrency", "2", "--allow-private",
        env=settings_env(settings), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    out, err = stdout.decode(), stderr.decode()
    assert process.returncode == 1, err  # broken links found
    assert "checked 2 link(s): 1 fine, 1 broken" in out
    assert "HTTP 404" in out and "/missing" in out
    assert "links" in err  # the progress bar goes to the terminal's error stream
    gone = await Resource.select().where(Resource.title == "Weg").first()
    assert gone["broken"] is True and gone["last_status"] == 404
