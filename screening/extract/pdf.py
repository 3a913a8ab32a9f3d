"""PDF via pdfminer.six, with its CMaps so CID fonts (STSong-Light, Adobe-GB1) decode.

A page without a text layer (a scan: an image and next to no text), or whose text layer is
mostly glyphs without Unicode (``(cid:123)``: a font without ToUnicode), is rendered by PDFium
and read by OCR (:mod:`screening.extract.ocr`); the result carries the OCR regions of those
pages. A PDF in which nothing can be read, not even by OCR, stays ``unscreened: no text
layer``. When OCR fails or a limit (``limits.ocr_max_pages``, time) stops it, the document is
unscreened with the text read so far, never clean. Past ``limits.max_pages`` the remaining
pages are reported unscreened. Damaged and password-protected files are unscreened with the
parser's reason.
"""

from __future__ import annotations

import io
import logging
import re

from .base import Extracted, Limits, Unscreenable

# a page with fewer visible characters than this and an image on it is taken as scanned
_SCAN_CHARS = 5
# glyphs pdfminer could not map to Unicode (a font without ToUnicode): "(cid:123)", private-use
# code points, U+FFFD; a page where they are this share of the visible text is read by OCR
_GARBLED = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\ufffd]")
_GARBLED_SHARE = 0.3

# Simplified Chinese CID fonts without ToUnicode (STSong-Light and the like, as Word and WPS write
# them) decode through Adobe-GB1 and a Unicode-keyed CMap. pdfminer loads each on first use (about
# 10 MiB of Python objects from its JSON files); the screening pool's template loads them once,
# so its workers share them instead of each growing by them with its first such PDF.
PRELOADED_CMAPS = ("UniGB-UCS2-H", "UniGB-UTF16-H")
PRELOADED_UNICODE_MAPS = ("Adobe-GB1",)


def preload_cmaps() -> None:
    """Load :data:`PRELOADED_CMAPS` and :data:`PRELOADED_UNICODE_MAPS` into pdfminer's caches."""
    from pdfminer.cmapdb import CMapDB

    for name in PRELOADED_CMAPS:
        CMapDB.get_cmap(name)
    for name in PRELOADED_UNICODE_MAPS:
        CMapDB.get_unicode_map(name, vertical=False)
        CMapDB.get_unicode_map(name, vertical=True)


def garbled(page_text: str) -> bool:
    """True when most of a page's text layer is glyphs without Unicode (not readable text)."""
    bad = sum(len(m.group(0)) for m in _GARBLED.finditer(page_text))
    if bad < 10:
        return False
    visible = sum(1 for ch in page_text if not ch.isspace())
    return bad >= _GARBLED_SHARE * visible


def _pages_ranges(pages: list[int]) -> str:
    spans: list[str] = []
    start = prev = None
    for p in pages:
        if start is None:
            start = prev = p
        elif p == prev + 1:
            prev = p
        else:
            spans.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = p
    if start is not None:
        spans.append(f"{start}" if start == prev else f"{start}–{prev}")
    return ", ".join(spans)


def _has_image(obj) -> bool:
    from pdfminer.layout import LTFigure, LTImage

    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, LTImage):
            return True
        if isinstance(item, LTFigure) or hasattr(item, "__iter__") and not isinstance(item, str):
            try:
                stack.extend(list(item))
            except TypeError:
                pass
    return False


def extract_pdf(data: bytes, limits: Limits) -> Extracted:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        parser = PDFParser(io.BytesIO(data))
        doc = PDFDocument(parser)
    except PDFPasswordIncorrect as exc:
        raise Unscreenable("encrypted PDF (password required)") from exc
    except PDFEncryptionError as exc:
        raise Unscreenable(f"encrypted PDF: {exc}") from exc
    except Exception as exc:
        raise Unscreenable(f"corrupt PDF: {type(exc).__name__}: {exc}".rstrip(": ")) from exc
    try:
        declared = int(resolve1(resolve1(doc.catalog.get("Pages")).get("Count", 0)) or 0)
    except Exception:
        declared = 0

    rsrc = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rsrc, laparams=LAParams())
    interpreter = PDFPageInterpreter(rsrc, device)
    texts: list[str] = []
    scanned: list[int] = []
    pages = 0
    over = False
    try:
        for page in PDFPage.create_pages(doc):
            if pages >= limits.max_pages:
                over = True
                break
            pages += 1
            interpreter.process_page(page)
            layout = device.get_result()
            page_text = "".join(el.get_text() for el in layout if isinstance(el, LTTextContainer))
            visible = sum(1 for ch in page_text if not ch.isspace())
            if visible < _SCAN_CHARS and _has_image(layout) or garbled(page_text):
                scanned.append(pages)
            texts.append(page_text.strip("\n"))
    except MemoryError:
        raise
    except Exception as exc:
        if pages == 0:
            raise Unscreenable(f"corrupt PDF: {type(exc).__name__}: {exc}".rstrip(": ")) from exc
        text = "\n".join(texts)
        return Extracted.unscreened(f"corrupt PDF after page {pages}: {type(exc).__name__}", "pdf", text)

    total = max(declared, pages + (1 if over else 0))
    if pages == 0:
        raise Unscreenable("corrupt PDF: no pages")
    reasons = []
    regions: tuple = ()
    if scanned:
        text, regions, reason = _ocr_scanned(data, texts, scanned, limits, total)
        if reason:
            reasons.append(reason)
    else:
        text = "\n".join(texts)
    if not any(not ch.isspace() for ch in text):  # nothing readable, even by OCR: never clean
        return Extracted.unscreened("; ".join(reasons) or "no text layer", "pdf")
    if over:
        reasons.append(
            f"too many pages ({total if declared else 'more than ' + str(pages)} > "
            f"{limits.max_pages} limit; first {pages} screened)"
        )
    if reasons:
        return Extracted(text, "unscreened", "; ".join(reasons), "pdf", regions)
    return Extracted(text, "screened", None, "pdf", regions)


def _ocr_scanned(
    data: bytes, texts: list[str], scanned: list[int], limits: Limits, total: int
) -> tuple[str, tuple, str | None]:
    """The document's text with its scanned pages read by OCR: (text, regions, reason or None)."""
    from .ocr import assemble, ocr_pdf_pages

    try:
        got = ocr_pdf_pages(data, scanned, limits, total)
        read, why = got.pages, got.stopped
    except MemoryError:
        raise
    except Exception as exc:  # OCR that fails leaves those pages unscreened, never clean
        read = {}
        why = str(exc) if isinstance(exc, Unscreenable) else f"OCR failed: {type(exc).__name__}: {exc}"
    parts = [(n, read[n] if n in read else t) for n, t in enumerate(texts, 1)]
    text, regions = assemble(parts)
    reason = None
    if why:
        missing = [p for p in scanned if p not in read]
        reason = f"no text layer on page(s) {_pages_ranges(missing)} of {total} not read by OCR: {why}"[:400]
    return text, regions, reason
