"""OCR of images and of PDF pages without a text layer (RapidOCR: PP-OCR models on ONNX Runtime).

Engine: ``rapidocr`` with the det/rec models its wheel ships (``rapidocr/models``); the model
paths are given explicitly, so nothing is ever downloaded. It is a module-level lazy
singleton: a long-lived worker loads the models once (:func:`preload`), not per document.
Chosen over Tesseract 5 ``chi_sim`` by measurement (``bench/ocr_bench.py``): it reads the
★ of 秘密★1年 where Tesseract reads 女/太/大, at about twice Tesseract's CPU time per page.

Output: :class:`~screening.extract.base.Extracted` with the recognised text and one
:class:`~screening.extract.base.OcrRegion` per recognised text segment (its offsets in the
text, its 1-based page and its box in pixels of :func:`page_image` of that page). Segments
on one visual line are joined into one text line (a table row reads as one line, an ID split
into two boxes reads whole). A page scanned sideways or upside down is turned and read again
(:func:`read_page`); boxes are always in pixels of the page as it came. The text is already
repaired for the OCR confusions that matter to the screen
(:func:`screening.engine.ocrfix.ocr_repair`, length-preserving): screen it as it is.

Cost: images smaller than ``limits.ocr_min_px`` on a side or ``limits.ocr_min_bytes`` are
logos and icons, not documents (screened, empty). At most ``limits.ocr_max_pages`` pages are
read, and reading stops before a page that would end past the document's soft deadline
(:func:`screening.extract.sandbox.deadline_remaining`, else a share of ``limits.timeout_s``):
the document is then ``unscreened`` with the text read so far. Each page's OCR result is
cached by the sha256 of the document bytes (``$PATROL_OCR_CACHE``, else
``<$PATROL_DATA or ./var>/ocr-cache/ab/abcdef….json``), so an unchanged attachment is never
read twice, and a document cut short by a limit goes on where it stopped at the next patrol.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .base import Extracted, Limits, OcrRegion, Unscreenable

# what the engine is; part of every cache entry (a different engine or setting reads anew)
ENGINE_ID = "rapidocr3/PP-OCRv6-small/det-max1280/v3"
PDF_DPI = 200  # PDF pages are rendered at this resolution; boxes are pixels of that image
MAX_SIDE = 2400  # larger page images are scaled down to this before OCR (boxes follow)
MIN_SCORE = 0.5  # recognised segments below this confidence are dropped
UPRIGHT_QUALITY = 0.88  # a page read with less confidence (by characters) is also tried upside down
TIME_SHARE = 0.8  # share of limits.timeout_s OCR may use before it stops (no soft deadline set)
FIRST_PAGE_S = 3.0  # expected seconds for a page before one was timed (a page is not started later)

_lock = threading.Lock()
_engine = None


# ---------------------------------------------------------------- the engine


def _model_paths() -> dict[str, str]:
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    paths = {
        "Det.model_path": root / "PP-OCRv6_det_small.onnx",
        "Rec.model_path": root / "PP-OCRv6_rec_small.onnx",
    }
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise Unscreenable(f"OCR engine unavailable: model file(s) missing: {', '.join(missing)}")
    return {k: str(v) for k, v in paths.items()}


def engine():
    """The RapidOCR engine of this process, created on first use (models load once)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                try:
                    from rapidocr import RapidOCR
                except ImportError as exc:
                    raise Unscreenable(f"OCR engine unavailable: {exc}") from exc
                threads = int(os.environ.get("PATROL_OCR_THREADS", "1"))
                params = {
                    "Global.log_level": "error",
                    "Global.text_score": 0.0,  # run_engine drops low scores itself, and counts them
                    "Global.use_cls": False,  # scans are upright; saves a model pass per line
                    "Global.max_side_len": MAX_SIDE,
                    "Det.limit_type": "max",
                    "Det.limit_side_len": 1280,
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                    **_model_paths(),
                }
                _engine = RapidOCR(params=params)
    return _engine


def preload() -> None:
    """Load the models now (a worker pool's initializer), not at the first scan."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (200, 64), "white")
    ImageDraw.Draw(img).rectangle((20, 20, 180, 40), fill="black")
    run_engine(img)


@dataclass(frozen=True)
class Segment:
    text: str
    box: tuple[int, int, int, int]
    score: float


class Segments(list):
    """Recognised segments; ``detected`` counts the text boxes found, low-confidence ones too."""

    detected = 0


def run_engine(img) -> list[Segment]:
    """OCR one page image (PIL); segments with boxes in pixels of ``img``."""
    import numpy as np

    eng = engine()
    scale = 1.0
    if max(img.size) > MAX_SIDE:
        scale = MAX_SIDE / max(img.size)
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))))
    out = eng(np.asarray(img.convert("RGB")))
    segments = Segments()
    if out.boxes is None or out.txts is None:
        return segments
    segments.detected = len(out.txts)
    for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=False):
        text = (text or "").strip()
        if not text or float(score) < MIN_SCORE:
            continue
        xs = [float(p[0]) / scale for p in quad]
        ys = [float(p[1]) / scale for p in quad]
        box = (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))
        segments.append(Segment(text, box, round(float(score), 3)))
    return segments


@dataclass(frozen=True)
class PageRead:
    """What OCR read on one page: segments with boxes in the upright reading frame, the turn
    (degrees counter-clockwise) that made the page upright, and the page image's size."""

    segments: list[Segment]
    rot: int = 0
    size: tuple[int, int] = (0, 0)

    def page_box(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A reading-frame box in pixels of the page image as it came (:func:`page_image`)."""
        if not self.rot:
            return box
        w, h = self.size
        corners = [(box[0], box[1]), (box[2], box[3])]
        if self.rot == 90:  # turned left: reading (x, y) was page (w - y, x)
            pts = [(w - y, x) for x, y in corners]
        elif self.rot == 270:  # turned right: reading (x, y) was page (y, h - x)
            pts = [(y, h - x) for x, y in corners]
        else:  # 180
            pts = [(w - x, h - y) for x, y in corners]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return (min(xs), min(ys), max(xs), max(ys))


def quality(segments: list[Segment]) -> float:
    """Recognition confidence weighted by characters (garbage read from a turned page is low)."""
    chars = sum(len(s.text) for s in segments)
    return sum(s.score * len(s.text) for s in segments) / chars if chars else 0.0


def _upright_share(segments: list[Segment]) -> float:
    """Share of elongated boxes that lie horizontally (text lines of an upright page)."""
    flat = tall = 0
    for s in segments:
        w, h = s.box[2] - s.box[0], s.box[3] - s.box[1]
        if w >= 1.5 * h:
            flat += 1
        elif h >= 1.5 * w:
            tall += 1
    return flat / (flat + tall) if flat + tall else 1.0


def _looks_upside_down(segments: list[Segment]) -> bool:
    """Text boxes found but read with low confidence, or mostly not read at all."""
    detected = max(getattr(segments, "detected", 0), len(segments))
    if detected < 5:
        return False
    return len(segments) < 0.7 * detected or quality(segments) < UPRIGHT_QUALITY


def read_page(img) -> PageRead:
    """OCR one page, turning it when it lies sideways or upside down.

    An upright page is read once. When most text boxes stand vertically, the page is also read
    turned by 90° and by 270°; when its text reads with low confidence, turned by 180°; the
    reading with the best confidence (by characters) wins. Boxes stay in the reading frame;
    :meth:`PageRead.page_box` maps them back to the page."""
    size = (img.width, img.height)
    best = PageRead(run_engine(img), 0, size)
    turns: tuple[int, ...] = ()
    if len(best.segments) >= 3 and _upright_share(best.segments) < 0.5:
        turns = (90, 270)
    elif _looks_upside_down(best.segments):
        turns = (180,)
    for rot in turns:
        got = PageRead(run_engine(img.rotate(rot, expand=True)), rot, size)
        if quality(got.segments) > quality(best.segments) + 0.02:
            best = got
    return best


# ---------------------------------------------------------------- lines and text


def group_lines(segments: list[Segment]) -> list[list[Segment]]:
    """Segments on one visual line, left to right; lines top to bottom.

    A segment joins the line whose last segment lies to its left and overlaps it vertically
    by at least half the smaller height (chained, so a line tilted by a skewed scan holds)."""
    lines: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.box[0], s.box[1])):
        h = seg.box[3] - seg.box[1]
        best, best_overlap = None, 0.0
        for line in lines:
            last = line[-1].box
            if last[2] > seg.box[0] + h:  # not to the left of this segment
                continue
            overlap = min(last[3], seg.box[3]) - max(last[1], seg.box[1])
            need = 0.5 * min(h, last[3] - last[1])
            if overlap >= need and overlap > best_overlap:
                best, best_overlap = line, overlap
        if best is None:
            lines.append([seg])
        else:
            best.append(seg)
    lines.sort(key=lambda line: ((line[0].box[1] + line[0].box[3]) / 2, line[0].box[0]))
    return lines


def _joiner(prev: Segment, seg: Segment) -> str:
    """Touching boxes (a line or an ID cut in two) join without a space; separate cells with one.

    Boxes are drawn a little larger than their text, so a gap is measured against the line
    height; between two digits (a row number beside an ID) a space is kept unless the boxes
    touch, so two cells never make one long digit run."""
    gap = seg.box[0] - prev.box[2]
    height = max(prev.box[3] - prev.box[1], seg.box[3] - seg.box[1], 1)
    both_alnum = (
        prev.text[-1:].isascii()
        and prev.text[-1:].isalnum()
        and seg.text[:1].isascii()
        and seg.text[:1].isalnum()
    )
    limit = 0.05 if both_alnum else 0.3
    return "" if gap < limit * height else " "


def page_text(read: PageRead, page: int, offset: int) -> tuple[str, list[OcrRegion]]:
    """The page's text, line by line, and a region per segment (boxes in page pixels)."""
    parts: list[str] = []
    regions: list[OcrRegion] = []
    pos = offset
    for n, line in enumerate(group_lines(read.segments)):
        if n:
            parts.append("\n")
            pos += 1
        for i, seg in enumerate(line):
            if i:
                sep = _joiner(line[i - 1], seg)
                parts.append(sep)
                pos += len(sep)
            parts.append(seg.text)
            regions.append(OcrRegion(pos, pos + len(seg.text), page, read.page_box(seg.box)))
            pos += len(seg.text)
    return "".join(parts), regions


# ---------------------------------------------------------------- cache


def cache_dir() -> Path:
    env = os.environ.get("PATROL_OCR_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("PATROL_DATA", "var")) / "ocr-cache"


class PageCache:
    """OCR segments of each page of one document, by the sha256 of its bytes."""

    def __init__(self, data: bytes):
        self.key = hashlib.sha256(data).hexdigest()
        self.path = cache_dir() / self.key[:2] / f"{self.key}.json"
        self.pages: dict[int, PageRead] = {}
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            if raw.get("engine") == ENGINE_ID:
                for page, got in raw.get("pages", {}).items():
                    segs = [Segment(t, tuple(b), s) for t, b, s in got["segments"]]
                    self.pages[int(page)] = PageRead(segs, int(got["rot"]), tuple(got["size"]))
        except (OSError, ValueError, TypeError, KeyError):
            self.pages = {}

    def put(self, page: int, read: PageRead) -> None:
        self.pages[page] = read
        body = {
            "engine": ENGINE_ID,
            "pages": {
                str(p): {
                    "rot": r.rot,
                    "size": list(r.size),
                    "segments": [[s.text, list(s.box), s.score] for s in r.segments],
                }
                for p, r in self.pages.items()
            },
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(body, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError:
            pass  # an unwritable cache costs time, never a result


# ---------------------------------------------------------------- reading pages


def _deadline(limits: Limits) -> float:
    """Monotonic time at which OCR stops taking new pages: the soft deadline of the document
    when it runs under one (the screening pool, the sandbox), else a share of its time limit."""
    try:
        from .sandbox import deadline_remaining

        remaining = deadline_remaining()
    except ImportError:
        remaining = None
    if remaining is not None:
        return time.monotonic() + float(remaining)
    return time.monotonic() + limits.timeout_s * TIME_SHARE


@dataclass
class OcrPages:
    """What OCR read from some pages of a document."""

    pages: dict[int, PageRead]  # page -> what OCR read there, for the pages read
    stopped: str | None  # why reading stopped before the last page wanted, or None
    limit: str | None = None  # the limit that stopped it: "pages" or "time" (None: not stopped)


@dataclass
class Budget:
    """What OCR may still spend on one document: pages (``limits.ocr_max_pages``, cached pages
    count too) and time (up to ``deadline``, monotonic). Shared by every image of a document
    that holds several (the pictures of a DOCX), so they are bounded together."""

    deadline: float
    pages: int
    spent: list[float]

    @classmethod
    def of(cls, limits: Limits) -> Budget:
        return cls(_deadline(limits), limits.ocr_max_pages, [])

    def time_for_a_page(self) -> bool:
        """A page expected to take as long as the slowest so far would end before the deadline."""
        per_page = max(self.spent) if self.spent else FIRST_PAGE_S
        return time.monotonic() + per_page <= self.deadline


def read_pages(
    data: bytes,
    pages: list[int],
    render: Callable[[int], object],
    limits: Limits,
    total: int,
    budget: Budget | None = None,
) -> OcrPages:
    """OCR ``pages`` (1-based) of a document, each drawn by ``render(page)``, cached by page.

    Stops at ``limits.ocr_max_pages`` pages and at the soft deadline (both from ``budget`` when
    one is given: it is spent here); ``stopped`` says why."""
    cache = PageCache(data)
    budget = budget or Budget.of(limits)
    done: dict[int, PageRead] = {}
    stopped = limit = None
    for n, page in enumerate(pages):
        if budget.pages <= 0:
            rest = pages[n:]
            stopped = (
                f"OCR page limit: {len(rest)} scanned page(s) of {total} not read "
                f"(from page {rest[0]}; limit {limits.ocr_max_pages})"
            )
            limit = "pages"
            break
        got = cache.pages.get(page)
        if got is None:
            if not budget.time_for_a_page():
                stopped = (
                    f"OCR stopped by the time limit ({limits.timeout_s:g} s) before page {page} of {total}; "
                    f"{len(pages) - n} scanned page(s) not read"
                )
                limit = "time"
                break
            started = time.monotonic()
            got = read_page(render(page))
            budget.spent.append(time.monotonic() - started)
            cache.put(page, got)
        budget.pages -= 1
        done[page] = got
    return OcrPages(done, stopped, limit)


def ocr_text(read: PageRead, page: int, offset: int) -> tuple[str, list[OcrRegion]]:
    """One OCR'd page as text starting at ``offset`` of a document's text, repaired for OCR
    confusions (length-preserving, so the regions stay on their characters)."""
    from screening.engine.ocrfix import ocr_repair

    text, regions = page_text(read, page, offset)
    return ocr_repair(text), regions


def assemble(parts: list[tuple[int, str | PageRead]]) -> tuple[str, tuple[OcrRegion, ...]]:
    """Page texts in page order: a ``str`` is a text layer, a :class:`PageRead` was OCR'd.

    Pages are joined by a newline; the OCR text is repaired (length-preserving)."""
    texts: list[str] = []
    regions: list[OcrRegion] = []
    pos = 0
    for n, (page, content) in enumerate(parts):
        if n:
            texts.append("\n")
            pos += 1
        if isinstance(content, str):
            text = content
        else:
            text, regs = ocr_text(content, page, pos)
            regions.extend(regs)
        texts.append(text)
        pos += len(text)
    return "".join(texts), tuple(regions)


# ---------------------------------------------------------------- images


def _open(data: bytes):
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(data))
    except Exception as exc:
        raise Unscreenable(f"could not read image: {type(exc).__name__}: {exc}"[:300]) from exc
    return img


def _check_pixels(img, limits: Limits) -> None:
    if img.width * img.height > limits.ocr_max_pixels:
        raise Unscreenable(
            f"image too large for OCR ({img.width}×{img.height} px > {limits.ocr_max_pixels:,} px limit)"
        )


def frame_count(img) -> int:
    return int(getattr(img, "n_frames", 1) or 1)


def _frame(img, index: int, limits: Limits):
    """Frame ``index`` (0-based) as an RGB image ready for OCR."""
    from PIL import Image

    img.seek(index)
    _check_pixels(img, limits)
    frame = img.copy()
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        frame = frame.point(lambda v: v / 256).convert("L")
    if frame.mode in ("RGBA", "LA", "P", "PA"):
        rgba = frame.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(bg, rgba)
    return frame.convert("RGB")


def page_image(data: bytes, page: int, limits: Limits | None = None):
    """The image (PIL, RGB) whose pixels the boxes of ``page`` refer to: a frame of an image
    file, a PDF page rendered at :data:`PDF_DPI`, or the ``page``-th picture of a DOCX/XLSX or
    DOC/WPS (:mod:`screening.extract.office_images`). For the reviewer's crop of a hit."""
    limits = limits or Limits()
    if data[:5] == b"%PDF-":
        return render_pdf_page(data, page)
    if data[:4] == b"PK\x03\x04":
        from .office_images import page_image as office_page_image

        return office_page_image(data, page, limits)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE: a DOC/WPS
        from .office_images import ole_page_image

        return ole_page_image(data, page, limits)
    return _frame(_open(data), page - 1, limits)


def too_small(data: bytes, width: int, height: int, limits: Limits) -> bool:
    return min(width, height) < limits.ocr_min_px or len(data) < limits.ocr_min_bytes


def extract_image(data: bytes, limits: Limits) -> Extracted:
    """An image file (JPG, PNG, GIF, BMP, TIFF incl. multi-page, WebP) read by OCR."""
    img = _open(data)
    if too_small(data, img.width, img.height, limits):
        return Extracted.ok("", "image")  # a logo or an icon, not a document
    _check_pixels(img, limits)  # before the cache: a limit holds whatever was read before
    total = frame_count(img)
    pages = list(range(1, total + 1))
    try:
        got = read_pages(data, pages, lambda p: _frame(img, p - 1, limits), limits, total)
    except (Unscreenable, MemoryError):
        raise
    except Exception as exc:
        raise Unscreenable(f"OCR failed: {type(exc).__name__}: {exc}"[:300]) from exc
    text, regions = assemble(sorted(got.pages.items()))
    if got.stopped:
        return Extracted(text, "unscreened", got.stopped, "image", regions)
    return Extracted(text, "screened", None, "image", regions)


# ---------------------------------------------------------------- PDF pages


def render_pdf_page(data: bytes, page: int, dpi: int = PDF_DPI, pdf=None):
    """PDF page ``page`` (1-based) rendered by PDFium at ``dpi``, as an RGB PIL image."""
    import pypdfium2 as pdfium

    own = pdf is None
    if own:
        pdf = pdfium.PdfDocument(data)
    try:
        pg = pdf[page - 1]
        w, h = pg.get_size()
        scale = dpi / 72
        longest = max(w, h) * scale
        if longest > MAX_SIDE:  # a poster-sized page: render no larger than OCR reads
            scale *= MAX_SIDE / longest
        bitmap = pg.render(scale=scale, grayscale=False)
        img = bitmap.to_pil().convert("RGB")
        pg.close()
        return img
    finally:
        if own:
            pdf.close()


def ocr_pdf_pages(data: bytes, pages: list[int], limits: Limits, total: int) -> OcrPages:
    """OCR the given (textless) pages of a PDF."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:
        raise Unscreenable(
            f"OCR failed: PDF could not be rendered: {type(exc).__name__}: {exc}"[:300]
        ) from exc
    try:
        return read_pages(data, pages, lambda p: render_pdf_page(data, p, pdf=pdf), limits, total)
    finally:
        pdf.close()


def iter_regions(extracted: Extracted, start: int, end: int) -> Iterator[OcrRegion]:
    """The OCR regions that a hit at ``start:end`` of ``extracted.text`` overlaps."""
    for r in extracted.regions:
        if r.start < end and start < r.end:
            yield r
