"""Outgoing HTTP to addresses that organisers typed (library links, webhook endpoints): only to public hosts.

Without a guard, a link or a webhook URL could make the server probe the intranet or a cloud metadata service.
The guard sits in the connection itself (an httpcore network backend): it resolves the host, refuses when any of
its addresses is loopback, private, link-local or otherwise not global, and connects to the very address it
checked — so a DNS answer that changes between a check and the connection (DNS rebinding) cannot slip past it.
TLS still verifies the certificate against the host name. `allow_private=True` (EVENTS_ALLOW_PRIVATE_TARGETS, for
tests and local development) lets every address through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class PrivateTarget(Exception):
    """The host resolves to a loopback, private or link-local address: not ours to reach unless allowed."""


async def public_address(host: str, port: int) -> str:
    """The first address of `host`, after checking that every address it resolves to is global."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    for address in addresses:
        if not address.is_global:
            raise PrivateTarget(f"{host} is a private address ({address})")
    return str(addresses[0])


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses (unless allowed), to exactly the address it checked."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        target = host if self.allow_private else await public_address(host, port)
        return await self.inner.connect_tcp(
            target, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):  # noqa: ASYNC109
        raise PrivateTarget("no unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def guarded_transport(allow_private: bool = False, **options: Any) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections go through the guard (`options` as for httpx.AsyncHTTPTransport)."""
    transport = httpx.AsyncHTTPTransport(**options)
    # httpx builds its httpcore pool itself and takes no network backend; the pool does take one.
    transport._pool._network_backend = GuardedBackend(allow_private)  # noqa: SLF001 - see above
    return transport
