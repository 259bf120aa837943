"""A lean WebSocket client for the quiz bench: one asyncio Protocol per socket, RFC 6455 framing by hand.

With thousands of sockets in ONE client process on a 2-core machine (the server under test uses the same cores),
a full client library's per-message cost (reader task, frame objects, queues) shows up in the very figure we
measure: the spread between the first and the last player receiving a question. Here a message is timed in
`data_received`, the earliest moment Python sees its bytes, and handed to a plain callback. Client frames are
masked as the RFC requires; the server's frames arrive unmasked; no extensions are offered.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable

OPCODE_CONTINUATION, OPCODE_TEXT, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG = 0, 1, 2, 8, 9, 10


def _mask(payload: bytes, key: bytes) -> bytes:
    repeated = (key * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def encode_frame(opcode: int, payload: bytes) -> bytes:
    key = os.urandom(4)
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return head + key + _mask(payload, key)


class LeanWebSocket(asyncio.Protocol):
    """`on_message(text_bytes, arrived_at)` for every text message; `closed` is set when the connection ends."""

    def __init__(self, host: str, path: str, on_message: Callable[[bytes, float], None]):
        self.host, self.path, self.on_message = host, path, on_message
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.handshake_done = asyncio.get_running_loop().create_future()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.fragments = bytearray()

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        arrived = time.perf_counter()
        self.buffer += data
        if not self.handshake_done.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status_line = bytes(self.buffer[: self.buffer.find(b"\r\n")])
            del self.buffer[: end + 4]
            if b" 101 " not in status_line + b" ":
                self.handshake_done.set_exception(ConnectionError(f"handshake refused: {status_line!r}"))
                self.transport.close()
                return
            self.handshake_done.set_result(True)
        buffer = self.buffer
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            length, offset = second & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = struct.unpack_from("!H", buffer, 2)[0], 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = struct.unpack_from("!Q", buffer, 2)[0], 10
            if second & 0x80:
                raise ConnectionError("a server must not mask its frames")
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset : offset + length])
            del buffer[: offset + length]
            opcode, fin = first & 0x0F, first & 0x80
            if opcode in (OPCODE_TEXT, OPCODE_BINARY, OPCODE_CONTINUATION):
                self.fragments += payload
                if fin:
                    message = bytes(self.fragments)
                    self.fragments.clear()
                    self.on_message(message, arrived)
            elif opcode == OPCODE_PING:
                self.transport.write(encode_frame(OPCODE_PONG, payload))
            elif opcode == OPCODE_CLOSE:
                self.close_code = struct.unpack_from("!H", payload)[0] if len(payload) >= 2 else 1005
                if not self.transport.is_closing():
                    self.transport.write(encode_frame(OPCODE_CLOSE, payload[:2]))
                    self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.handshake_done.done():
            self.handshake_done.set_exception(exc or ConnectionError("closed during the handshake"))
        self.closed.set()

    def send_text(self, text: str | bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(OPCODE_TEXT, text.encode() if isinstance(text, str) else text))

    async def close(self, code: int = 1000) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(OPCODE_CLOSE, struct.pack("!H", code)))
            try:
                await asyncio.wait_for(self.closed.wait(), 5)
            except TimeoutError:
                self.transport.close()


async def connect(host: str, port: int, path: str, on_message: Callable[[bytes, float], None]) -> LeanWebSocket:
    """Opens the socket and waits for the handshake (bound the wait with `asyncio.timeout` around the call)."""
    loop = asyncio.get_running_loop()
    _transport, protocol = await loop.create_connection(lambda: LeanWebSocket(f"{host}:{port}", path, on_message), host, port)
    await protocol.handshake_done
    return protocol
