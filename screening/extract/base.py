"""Values shared by every extractor: the result, the limits and the error an extractor raises.

An extractor is a pure function ``(data: bytes, limits: Limits) -> Extracted``. It raises
:class:`Unscreenable` (or returns an ``unscreened`` result) when the document cannot be
read completely; any other exception is turned into ``unscreened`` by the caller, so one
broken attachment never stops a patrol.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Status = Literal["screened", "unscreened"]

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file: DOC, WPS, XLS, ET, PPT


@dataclass(frozen=True)
class OcrRegion:
    """One OCR text line: where its text lies in :attr:`Extracted.text` and where it was read.

    ``start``/``end`` are character offsets in ``Extracted.text``; ``page`` is the 1-based
    page (image frame or PDF page); ``box`` is ``(x0, y0, x1, y1)`` in pixels of that page image.
    """

    start: int
    end: int
    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Extracted:
    """Text pulled out of one document.

    ``status`` is ``unscreened`` when the text is missing or incomplete (``reason`` says
    why); an incomplete text may still be non-empty and is screened for what it holds.
    ``kind`` is the detected document type (``html``, ``pdf``, ``docx`` …).
    ``regions`` is set when (part of) the text was read by OCR: one region per text line.
    """

    text: str
    status: Status
    reason: str | None
    kind: str
    regions: tuple[OcrRegion, ...] = ()

    @classmethod
    def ok(cls, text: str, kind: str) -> Extracted:
        return cls(text=text, status="screened", reason=None, kind=kind)

    @classmethod
    def unscreened(cls, reason: str, kind: str, text: str = "") -> Extracted:
        return cls(text=text, status="unscreened", reason=reason, kind=kind)


@dataclass(frozen=True)
class Limits:
    """Per-document limits; every field is a tunable with a safe default.

    - ``max_bytes``: documents larger than this are not read at all.
    - ``max_pages``: PDF pages read; past it the rest is reported unscreened.
    - ``timeout_s``: wall-clock time for one binary document (enforced by killing the
      worker process).
    - ``memory_mb``: address-space limit (RLIMIT_AS) of the worker process.
    - ``max_unzipped_bytes`` / ``max_zip_ratio`` / ``max_zip_members``: OOXML (zip)
      containers are refused before inflating when their members would expand past
      these (a zip bomb disguised as DOCX/XLSX).
    - ``max_text_chars``: extracted text is cut here (and the document marked
      unscreened) so a small file cannot produce unbounded text.
    - ``ocr_max_pages``: scanned pages (image frames, textless PDF pages) read by OCR; past it
      the document is unscreened with the text read so far.
    - ``ocr_min_px`` / ``ocr_min_bytes``: images with a side below this many pixels or a file
      smaller than this are logos and icons, not documents: not read.
    - ``ocr_max_pixels``: an image frame larger than this is not decoded (decompression bomb).
    - ``isolation``: ``process`` runs the binary-format parsers in a forked worker
      (time and memory bounded); ``inline`` runs them in this process (tests, debugging).
    """

    max_bytes: int = 50 * MB
    max_pages: int = 500
    timeout_s: float = 180.0  # a scanned page costs ~3 CPU s of OCR: 20 pages need about a minute
    memory_mb: int = 1536
    max_unzipped_bytes: int = 300 * MB
    max_zip_ratio: float = 200.0
    max_zip_members: int = 10_000
    max_text_chars: int = 30_000_000
    ocr_max_pages: int = 20
    ocr_min_px: int = 100
    ocr_min_bytes: int = 2048
    ocr_max_pixels: int = 60_000_000
    isolation: Literal["process", "inline"] = "process"

    def with_(self, **changes: object) -> Limits:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_config(cls, screening: dict | None) -> Limits:
        """Limits from the ``screening`` section of patrol.yaml (``max_document_mb``,
        ``max_pages``, ``timeout_seconds``, ``ocr_max_pages``, ``ocr_min_px``,
        ``ocr_min_kb``); missing keys keep their defaults."""
        screening = screening or {}
        values: dict[str, object] = {}
        if screening.get("max_document_mb") is not None:
            values["max_bytes"] = int(float(screening["max_document_mb"]) * MB)
        if screening.get("max_pages") is not None:
            values["max_pages"] = int(screening["max_pages"])
        if screening.get("timeout_seconds") is not None:
            values["timeout_s"] = float(screening["timeout_seconds"])
        if screening.get("ocr_max_pages") is not None:
            values["ocr_max_pages"] = int(screening["ocr_max_pages"])
        if screening.get("ocr_min_px") is not None:
            values["ocr_min_px"] = int(screening["ocr_min_px"])
        if screening.get("ocr_min_kb") is not None:
            values["ocr_min_bytes"] = int(float(screening["ocr_min_kb"]) * 1024)
        return cls(**values)  # type: ignore[arg-type]


class Unscreenable(Exception):
    """The document cannot be screened; the message is the reason shown to reviewers."""


def fmt_mb(n: int) -> str:
    value = n / MB
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def too_large_reason(size: int | None, limit: int) -> str:
    if size is None:
        return f"too large (> {fmt_mb(limit)} MB limit)"
    return f"too large ({fmt_mb(size)} MB > {fmt_mb(limit)} MB limit)"


def cap_text(result: Extracted, limits: Limits) -> Extracted:
    """Cut text past ``limits.max_text_chars``; a cut document is unscreened for the rest."""
    if len(result.text) <= limits.max_text_chars:
        return result
    reason = f"text truncated at {limits.max_text_chars:,} characters"
    if result.reason:
        reason = f"{result.reason}; {reason}"
    cut = limits.max_text_chars
    regions = tuple(r for r in result.regions if r.start < cut)
    return Extracted(result.text[:cut], "unscreened", reason, result.kind, regions)
