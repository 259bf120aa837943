"""Server-side sessions that exist only once there is something to keep, and get a new id at every sign-in.

Litestar's backend stores the session (a store write and a Set-Cookie) on every response, even an empty one for an
anonymous visitor of a public page. Ours writes nothing and sets no cookie until the session holds data, and forgets
the stored session when it becomes empty. A sign-in marks the connection (`rotate_session`): the response stores
the session under a fresh id and deletes the one the browser came with, so an id planted before sign-in is useless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession

ROTATE_KEY = "events.rotate_session"
NEW_ID_KEY = "events.new_session_id"


def rotate_session(connection: Any) -> None:
    """Ask for a new session id on this response (call it when the user behind the session changes)."""
    connection.scope[ROTATE_KEY] = True


class LazyServerSideSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        if connection.scope.get(ROTATE_KEY):
            new_id = connection.scope.get(NEW_ID_KEY)
            if new_id is None:
                new_id = connection.scope[NEW_ID_KEY] = self.generate_session_id()  # type: ignore[typeddict-unknown-key]
            return new_id
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if connection.scope.get(ROTATE_KEY):
            planted = connection.cookies.get(self.config.key)
            if planted and planted != "null":
                await self.delete(planted, store=self.config.get_store_from_app(connection.scope["app"]))
        if not scope_session:
            if self.config.key not in connection.cookies:
                return  # nothing to keep and nothing to forget
            scope_session = Empty
        await super().store_in_message(scope_session, message, connection)


@dataclass
class LazySessionConfig(ServerSideSessionConfig):
    _backend_class = LazyServerSideSessionBackend
