"""Text extraction for screening: pages and attachments in → ``Extracted`` out.

Importable without Django. ``extract(data, name, content_type)`` detects the document
type (magic bytes, then extension, then content type), runs the registered extractor —
HTML/TXT in-process, PDF/DOCX/XLSX/DOC/WPS/XLS/ET in a worker process bounded in time
and memory — and never raises for a bad document: it returns ``unscreened`` with the
reason. ``extract_path`` checks the size on disk before reading anything; ``read_limited``
reads a stream (stdin) without ever holding more than the limit.

Formats: HTML, TXT, PDF (pdfminer.six), DOCX, XLSX (with embedded documents), XLS/ET
(xlrd), DOC/WPS (own Word 97 piece-table reader over olefile; see
:mod:`screening.extract.ole` for that choice), RTF (own tokenizer); images and PDF pages
without a text layer by OCR (:mod:`screening.extract.ocr`, RapidOCR). Archives and
presentations are ``unscreened: unsupported format``.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from .base import MB, Extracted, Limits, Unscreenable, cap_text, too_large_reason
from .detect import charset_of, detect
from .registry import get, register, run_extractor

__all__ = [
    "Extracted",
    "Limits",
    "Unscreenable",
    "detect",
    "extract",
    "extract_path",
    "read_limited",
    "register",
]


def extract(
    data: bytes, name: str = "", content_type: str | None = None, limits: Limits | None = None
) -> Extracted:
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        kind, _ = detect(data[:4096], name, content_type)
        return Extracted.unscreened(too_large_reason(len(data), limits.max_bytes), kind)
    kind, hint = detect(data, name, content_type)
    charset = charset_of(content_type)
    ex = get(kind)
    if ex is not None and ex.isolated and limits.isolation == "process":
        result = run_isolated(kind, data, limits, charset=charset, hint=hint)
    else:
        result = cap_text(run_extractor(kind, data, limits, charset=charset, hint=hint), limits)
    if result.kind == "ole":  # name the format the reviewer knows
        result = Extracted(result.text, result.status, result.reason, _OLE_NAMES.get(hint, "doc"))
    return result


def run_isolated(kind: str, data: bytes, limits: Limits, **kwargs: object) -> Extracted:
    """:func:`screening.extract.sandbox.run_isolated`, imported on first use: screening a text
    file needs neither multiprocessing nor the sandbox."""
    from .sandbox import run_isolated as run

    return run(kind, data, limits, **kwargs)


_OLE_NAMES = {"doc": "doc", "dot": "doc", "wps": "wps", "xls": "xls", "xlt": "xls", "et": "et", "ppt": "ppt"}


def extract_path(
    path: str | os.PathLike[str], content_type: str | None = None, limits: Limits | None = None
) -> Extracted:
    """Extract a file; an oversize file is refused from its size on disk, unread."""
    limits = limits or Limits()
    name = os.fspath(path)
    size = os.stat(name).st_size
    if size > limits.max_bytes:
        with open(name, "rb") as fh:
            head = fh.read(4096)
        kind, _ = detect(head, name, content_type)
        return Extracted.unscreened(too_large_reason(size, limits.max_bytes), kind)
    with open(name, "rb") as fh:
        data = read_limited(fh, limits.max_bytes, first=size + 1)
    if data is None:  # grew while we read it
        return Extracted.unscreened(too_large_reason(None, limits.max_bytes), "unknown")
    return extract(data, name, content_type, limits)


def read_limited(fh: BinaryIO, limit: int, chunk: int = 1 * MB, first: int = 0) -> bytes | None:
    """Read at most ``limit`` bytes; ``None`` when the stream holds more (the rest unread).

    ``first``: the size of the first read (a file's size on disk plus one: the whole file in one
    read, no second copy of it made by joining chunks)."""
    parts: list[bytes] = []
    total = 0
    size = min(max(first, chunk), limit + 1)
    while True:
        block = fh.read(min(size, limit + 1 - total))
        size = chunk
        if not block:
            return parts[0] if len(parts) == 1 else b"".join(parts)
        parts.append(block)
        total += len(block)
        if total > limit:
            return None
