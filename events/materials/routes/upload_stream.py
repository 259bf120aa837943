"""Reading an upload from the raw request stream with a push multipart parser, so the size limit is enforced
while the body arrives (a handler that declared a `data` parameter would have buffered it all first)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_
from events.kernel.settings import Settings
from events.materials import service
from events.materials.storage import storage_for

# Room for the multipart envelope (boundaries, part headers, a few small fields) around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


async def _multipart_events(chunks: AsyncIterator[bytes], boundary: str) -> AsyncIterator[Any]:
    parser = PushMultipartParser(boundary, max_segment_count=20, max_header_count=8)
    try:
        async with contextlib.aclosing(chunks):
            async for chunk in chunks:
                for event in parser.parse(chunk):
                    yield event
            for event in parser.parse(b""):
                yield event
    except MultipartError as exc:
        raise RuleViolation(N_("The upload was not a valid form submission. Try again."), status_code=400) from exc


async def _segment_body(events: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    async for event in events:
        if event is None:
            return
        if isinstance(event, bytes | bytearray):
            yield bytes(event)


def _boundary_within_limit(request: Request, limit: int) -> str:
    """The multipart boundary of a request that may be read; refused before reading a byte otherwise."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if content_type != "multipart/form-data" or not boundary:
        raise RuleViolation(N_("Send the file as multipart/form-data in the field \"file\"."), status_code=400)
    announced = request.headers.get("content-length")
    if announced and announced.isdigit() and int(announced) > limit + MULTIPART_OVERHEAD:
        raise service.too_large()  # the client said how much it would send
    return boundary


async def receive_file(request: Request, settings: Settings) -> service.Received:
    """Stream the `file` field of a multipart request into storage (checked), never buffering the body."""
    limit = settings.max_upload_bytes
    events = _multipart_events(request.stream(), _boundary_within_limit(request, limit))
    body: AsyncIterator[bytes] | None = None
    try:
        async for event in events:
            if isinstance(event, MultipartSegment) and event.name == "file":
                if not event.filename:
                    break
                body = _segment_body(events)
                return await service.receive_upload(storage_for(settings.data_dir), body, event.filename, limit)
        raise RuleViolation(N_("Choose a file to upload."), errors={"file": N_("Choose a file to upload.")})
    except HTTPException as exc:
        if exc.status_code == 413:  # the framework's own body limit
            raise service.too_large() from exc
        if "disconnect" in str(exc.detail):  # the client went away mid-upload; nothing was kept
            raise RuleViolation(N_("The upload was interrupted. Try again."), status_code=400) from exc
        raise
    finally:
        # Close the inner reader before the parser it reads from (both may be suspended mid-stream).
        if body is not None:
            await body.aclose()
        await events.aclose()
