"""CSV that Dutch Excel opens as it should: UTF-8 with a BOM, `;` between cells, CRLF line ends, and no cell that
Excel would run as a formula (OWASP: a cell starting with = + - @ TAB or CR gets a leading quote)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that starts like a formula gets a leading quote; numbers and empty cells stay as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_csv(rows: Iterable[Iterable[Any]]) -> bytes:
    """The rows (the first usually the header) as the bytes of a .csv download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
