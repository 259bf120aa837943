"""Typed markers for the app-wide dependencies (Litestar 2.25 wants them explicit).

Use in a handler: `async def page(current_user: CurrentUserDep, clock: ClockDep, settings: SettingsDep)`.
"""

from __future__ import annotations

from typing import Annotated

from litestar.di import Dependency as _NamedMarker
from piccolo.engine.base import Engine

from events.accounts.service import CurrentUser
from events.kernel.clock import Clock
from events.kernel.settings import Settings

_named = _NamedMarker(kind="named")

CurrentUserDep = Annotated[CurrentUser, _named]  # guarded routes: never None there
MaybeUserDep = Annotated[CurrentUser | None, _named]  # the parameter must be named `current_user`
ClockDep = Annotated[Clock, _named]
SettingsDep = Annotated[Settings, _named]
EngineDep = Annotated[Engine, _named]
