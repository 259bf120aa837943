"""Server-side sessions that exist only once there is something to keep.

Litestar's backend stores the session (a store write and a Set-Cookie) on every response, even an empty one for an
anonymous visitor of a public page. Ours writes nothing and sets no cookie until the session holds data, and forgets
the stored session when it becomes empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession


class LazyServerSideSessionBackend(ServerSideSessionBackend):
    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if not scope_session:
            if self.config.key not in connection.cookies:
                return  # nothing to keep and nothing to forget
            scope_session = Empty
        await super().store_in_message(scope_session, message, connection)


@dataclass
class LazySessionConfig(ServerSideSessionConfig):
    _backend_class = LazyServerSideSessionBackend
