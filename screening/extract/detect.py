"""Which extractor reads a document: magic bytes first, then the file extension, then the
HTTP content type, then a sniff of the text itself.

Kinds: ``html``, ``txt``, ``pdf``, ``docx``, ``xlsx``, ``ole`` (DOC/WPS/XLS/ET, told apart
inside the container; the extension is passed on as a hint), ``rtf``, and the unsupported
kinds ``image``, ``archive``, ``pptx``, ``binary``.
"""

from __future__ import annotations

import os
import re

from .codec import looks_binary
from .html import looks_like_html

_MAGIC: list[tuple[bytes, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"BM", None),  # too weak alone; see below
    (b"Rar!\x1a\x07", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
]

EXTENSIONS = {
    "html": "html",
    "htm": "html",
    "shtml": "html",
    "xhtml": "html",
    "jsp": "html",
    "asp": "html",
    "aspx": "html",
    "php": "html",
    "txt": "txt",
    "text": "txt",
    "csv": "txt",
    "log": "txt",
    "pdf": "pdf",
    "docx": "docx",
    "docm": "docx",
    "dotx": "docx",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "xltx": "xlsx",
    "doc": "ole",
    "dot": "ole",
    "wps": "ole",
    "xls": "ole",
    "et": "ole",
    "xlt": "ole",
    "rtf": "rtf",
    "pptx": "pptx",
    "ppt": "ole",
    "zip": "archive",
    "rar": "archive",
    "7z": "archive",
    "gz": "archive",
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "gif": "image",
    "tif": "image",
    "tiff": "image",
    "bmp": "image",
}

CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/csv": "txt",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "ole",
    "application/vnd.ms-excel": "ole",
    "application/vnd.ms-works": "ole",
    "application/kswps": "ole",
    "application/wps-office.wps": "ole",
    "application/wps-office.et": "ole",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "application/zip": "archive",
    "application/x-rar-compressed": "archive",
}

BINARY_KINDS = {"pdf", "docx", "xlsx", "ole"}


def extension(name: str | None) -> str:
    if not name:
        return ""
    base = re.split(r"[?#]", name, maxsplit=1)[0]
    return os.path.splitext(base)[1].lower().lstrip(".")


def _zip_kind(data: bytes) -> str | None:
    # member names sit uncompressed in the local headers and the central directory
    if b"word/document" in data:
        return "docx"
    if b"xl/workbook" in data:
        return "xlsx"
    if b"ppt/presentation" in data:
        return "pptx"
    return None


def detect(data: bytes, name: str | None = None, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(kind, hint)``; ``hint`` is the extension (it names DOC vs WPS, XLS vs ET)."""
    head = data[:4096]
    ext = extension(name)
    if b"%PDF-" in head[:1024]:
        return "pdf", ext
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind = _zip_kind(data) or EXTENSIONS.get(ext)
        if kind in ("docx", "xlsx"):
            return kind, ext
        return ("pptx" if kind == "pptx" else "archive"), ext
    for magic, kind in _MAGIC:
        if kind and head.startswith(magic):
            return kind, ext
    by_ext = EXTENSIONS.get(ext)
    ctype = (content_type or "").split(";")[0].strip().lower()
    by_ctype = CONTENT_TYPES.get(ctype)
    declared = by_ext or by_ctype
    if declared in BINARY_KINDS or declared in ("image", "archive", "rtf", "pptx"):
        # the magic is missing: an HTML error page served under the document's name
        if not looks_binary(head) and looks_like_html(head):
            return "html", ext
        return declared, ext
    if declared in ("html", "txt"):
        return declared, ext
    if looks_binary(head):
        return "binary", ext
    if looks_like_html(head):
        return "html", ext
    return "txt", ext


def charset_of(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", content_type, re.I)
    return m.group(1) if m else None
