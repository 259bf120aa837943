"""Reading an uploaded participant list: CSV (comma, semicolon or tab; UTF-8, with or without BOM, or Windows-1252)
or Excel .xlsx (the first sheet). The first row names the columns."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from events.kernel.errors import RuleViolation
from events.kernel.i18n import N_

MAX_ROWS = 20_000
UNREADABLE = N_("This file cannot be read. Upload a CSV file or an Excel (.xlsx) file whose first row names the columns.")
TOO_MANY = N_("This file has too many rows (at most 20,000).")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(content: bytes) -> list[list[str]]:
    import openpyxl  # noqa: PLC0415 - only .xlsx uploads need it (it is slow to import)

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RuleViolation(UNREADABLE, {"file": UNREADABLE}) from exc
    sheet = book.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    book.close()
    return rows


def _csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The rows of the file (header first), empty rows dropped."""
    if not content:
        raise RuleViolation(UNREADABLE, {"file": UNREADABLE})
    rows = _xlsx(content) if content[:2] == b"PK" or filename.lower().endswith(".xlsx") else _csv(content)
    rows = [row for row in rows if any(cell for cell in row)]
    if len(rows) < 1:
        raise RuleViolation(UNREADABLE, {"file": UNREADABLE})
    if len(rows) > MAX_ROWS + 1:
        raise RuleViolation(TOO_MANY, {"file": TOO_MANY})
    return rows
