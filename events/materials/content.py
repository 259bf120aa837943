"""What an uploaded file really is, judged by its bytes (never by its name), and a safe name to show for it.

Allowed: PDF, PPTX, ODP, DOCX, ODT, XLSX, PNG, JPEG, MP4. Office Open XML and OpenDocument files are ZIP
archives: we look inside for the parts that make them what they claim (`[Content_Types].xml` plus `ppt/`, `word/`
or `xl/`; the `mimetype` entry for ODF), and refuse macro-enabled variants.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]
    label: str


KINDS = {
    kind.name: kind
    for kind in (
        Kind("pdf", "application/pdf", (".pdf",), "PDF"),
        Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",), "PowerPoint"),
        Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word"),
        Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel"),
        Kind("odp", "application/vnd.oasis.opendocument.presentation", (".odp",), "OpenDocument"),
        Kind("odt", "application/vnd.oasis.opendocument.text", (".odt",), "OpenDocument"),
        Kind("png", "image/png", (".png",), "PNG"),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG"),
        Kind("mp4", "video/mp4", (".mp4", ".m4v"), "MP4"),
    )
}
ACCEPT = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)

# ISO base media brands of the MP4 family (not QuickTime `qt  `, not 3GP).
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP", b"dash",
    b"mmp4", b"MSNV", b"f4v ", b"NDAS",
}
OOXML_PARTS = {"ppt/": "pptx", "word/": "docx", "xl/": "xlsx"}
ODF_TYPES = {"application/vnd.oasis.opendocument.presentation": "odp", "application/vnd.oasis.opendocument.text": "odt"}
HEAD_BYTES = 64
MAX_CONTENT_TYPES_XML = 1024 * 1024


def detect_kind(head: bytes, path: Path) -> Kind | None:
    """The allowed kind of this file, or None. `head` is its first bytes; `path` the complete file (for ZIPs)."""
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return KINDS["mp4"]
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    return None


def _zip_kind(path: Path) -> Kind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            infos = {info.filename: info for info in archive.infolist()}
            if "mimetype" in infos:
                if infos["mimetype"].file_size > 100:
                    return None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                name = ODF_TYPES.get(mimetype)
                return KINDS[name] if name else None
            if "[Content_Types].xml" in infos:
                info = infos["[Content_Types].xml"]
                if info.file_size > MAX_CONTENT_TYPES_XML:
                    return None
                content_types = archive.read(info).decode("utf-8", "replace")
                # .pptm/.docm/.xlsm carry macros: a way in, not slides.
                if "macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
                    return None
                for prefix, name in OOXML_PARTS.items():
                    if any(n.startswith(prefix) for n in names):
                        return KINDS[name]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        return None
    return None


_RESERVED = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
MAX_NAME = 150


def safe_filename(uploaded: str | None, kind: Kind) -> str:
    """A name for display and `Content-Disposition`: no path, no control or bidi characters, a fitting extension."""
    name = (uploaded or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    # Cc: control (NUL, newlines); Cf: format (RTL override U+202E, zero-width joiners) that can disguise names.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = _RESERVED.sub("_", name)
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    extension = f".{ext.lower()}" if ext else ""
    if extension not in kind.extensions:
        stem, extension = name, kind.extensions[0]  # keep what they typed, add the real type
    stem = stem[: MAX_NAME - len(extension)].rstrip(" .") or "material"
    return stem + extension


def ascii_fallback(name: str) -> str:
    """The plain `filename=` of Content-Disposition for old clients: ASCII, no quotes."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r'[^A-Za-z0-9._ -]', "_", folded).strip() or "material"
    return folded
