"""Where the bytes of uploaded materials live: a small interface, a local-disk implementation.

An upload is first spooled to a file in `incoming_dir` (the service counts, hashes and checks it there); only a
complete, accepted file is handed to `save`, which makes it permanent under a generated key. An S3-compatible
store can implement the same three calls (save = upload the spooled file, then remove it).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import anyio

CHUNK = 64 * 1024


class Storage(Protocol):
    incoming_dir: Path

    async def save(self, source: Path) -> str:
        """Take ownership of a complete local file; return the key under which it is kept."""

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The stored bytes, in chunks."""

    async def delete(self, key: str) -> None:
        """Forget the object; deleting a missing key is not an error."""

    def local_path(self, key: str) -> Path | None:
        """A file the server may send directly, or None (then downloads stream through `open`)."""

    async def stored(self) -> list[tuple[str, datetime]]:
        """Every kept object: (key, when it was saved). For sweeping objects no row refers to."""


class LocalStorage:
    """Files below `root` (`<data_dir>/materials`), named by random keys, never by anything a user sent."""

    def __init__(self, root: Path):
        self.root = root
        self.incoming_dir = root / "incoming"

    def _path(self, key: str) -> Path:
        # Keys are ours ("ab/<hex>"), but a key from the database is still checked before it becomes a path.
        if not key or ".." in key or key.startswith("/") or not all(part.isalnum() for part in key.split("/")):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    async def save(self, source: Path) -> str:
        name = secrets.token_hex(16)
        key = f"{name[:2]}/{name}"
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Same file system as incoming/: the rename is atomic, so a reader never sees half a file.
        os.replace(source, target)
        return key

    async def open(self, key: str) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(key), "rb") as handle:
            while chunk := await handle.read(CHUNK):
                yield chunk

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    async def delete(self, key: str) -> None:
        await anyio.Path(self._path(key)).unlink(missing_ok=True)

    async def stored(self) -> list[tuple[str, datetime]]:
        def walk() -> list[tuple[str, datetime]]:
            found = []
            if not self.root.is_dir():
                return found
            for folder in self.root.iterdir():
                if folder == self.incoming_dir or not folder.is_dir():
                    continue
                for path in folder.iterdir():
                    key = f"{folder.name}/{path.name}"
                    with contextlib.suppress(ValueError, FileNotFoundError):
                        self._path(key)
                        found.append((key, datetime.fromtimestamp(path.stat().st_mtime, UTC)))
            return found

        return await anyio.to_thread.run_sync(walk)


def storage_for(data_dir: Path) -> Storage:
    return LocalStorage(data_dir / "materials")
