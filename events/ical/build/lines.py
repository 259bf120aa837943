"""Content lines on the wire (RFC 5545 §3.1): CRLF line ends and lines folded at 75 octets between whole UTF-8
characters, never right after a backslash."""

from __future__ import annotations


def ensure_folded(data: bytes, limit: int = 75) -> bytes:
    """CRLF line ends and no line over `limit` octets, folded only between whole UTF-8 characters.

    icalendar 7 already folds this way; this checks the bytes and refolds only if a version ever regresses,
    because a split UTF-8 character shows as U+FFFD in Outlook and a bare LF breaks strict parsers."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if all(len(line) <= limit and _whole_utf8(line) for line in lines):
        return b"\r\n".join(lines) + b"\r\n"
    logical: list[bytes] = []
    for raw in lines:
        if raw[:1] in (b" ", b"\t") and logical:
            logical[-1] += raw[1:]
        elif raw:
            logical.append(raw)
    return b"".join(fold_line(line.decode("utf-8"), limit) for line in logical)


def _whole_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def fold_line(text: str, limit: int = 75) -> bytes:
    """One content line folded at `limit` octets between characters, never right after a backslash (some
    clients mis-read an escape such as `\\,` split over two lines)."""
    out: list[bytes] = []
    chunk: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode("utf-8"))
        room = limit if not out else limit - 1  # continuation lines start with one space
        if chunk and size + width > room:
            carry = [chunk.pop()] if len(chunk) > 1 and chunk[-1] == "\\" else []
            out.append((b" " if out else b"") + "".join(chunk).encode("utf-8"))
            chunk, size = carry, sum(len(c.encode("utf-8")) for c in carry)
        chunk.append(char)
        size += width
    out.append((b" " if out else b"") + "".join(chunk).encode("utf-8"))
    return b"\r\n".join(out) + b"\r\n"
