"""OCR of scanned documents and images (issue 11): generated degraded scans in every format.

Every planted mark and valid ID is found by the normal screen, its hit maps to an OCR region
on the right page near where it was drawn, and no hard negative (masked IDs, 保密工作 news,
a scan without a mark) is flagged. Each document is OCR'd once (module fixtures); the cache,
limit and failure tests reuse or bypass those results.
"""

from __future__ import annotations

import io
import json
import random

import pytest

from screening.engine import default_screener
from screening.extract import ocr
from screening.extract.base import Extracted, Limits
from screening.extract.pdf import extract_pdf
from screening.extract.registry import guarded
from screening.extract.sandbox import run_isolated
from tests.scans import scangen

pytestmark = [
    pytest.mark.skipif(not scangen.have_cjk_font(), reason="no CJK font (scripts/sysdeps.sh)"),
    pytest.mark.xdist_group("ocr"),  # one xdist worker: the module fixtures OCR each document once
]

INLINE = Limits(isolation="inline")
FORMATS = {
    "marked_notice": "jpg",
    "id_list": "png",
    "multipage_mark_on_2": "tiff",
    "secrecy_news": "pdf",
    "plain_notice": "gif",
    "masked_list": "bmp",
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    path = tmp_path_factory.mktemp("ocr-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATROL_OCR_CACHE", str(path))
        yield path


@pytest.fixture(scope="module")
def docs():
    return {d.name: d for d in scangen.corpus(seed=7)}


def read(data: bytes, fmt: str, limits: Limits = INLINE) -> Extracted:
    if fmt == "pdf":
        return guarded("pdf", extract_pdf, data, limits)
    return guarded("image", ocr.extract_image, data, limits)


@pytest.fixture(scope="module")
def results(cache, docs):
    """name -> (doc, bytes, Extracted): every generated document OCR'd once."""
    out = {}
    for name, fmt in FORMATS.items():
        data = scangen.encode(docs[name], fmt)
        out[name] = (docs[name], data, read(data, fmt))
    return out


def mixed_pdf(doc: scangen.ScanDoc) -> bytes:
    """Page 1 has a text layer (CID font), page 2 is a scanned image only."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, "关于报送有关材料的函")
    c.drawString(72, 730, "各乡镇人民政府：请于本月底前报送春季农业生产工作总结。")
    c.showPage()
    c.drawImage(ImageReader(doc.pages[1]), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def mixed(cache, docs):
    data = mixed_pdf(docs["multipage_mark_on_2"])
    return data, read(data, "pdf")


@pytest.fixture(scope="module")
def screener():
    return default_screener()


def region_of(result: Extracted, start: int, end: int):
    regions = list(ocr.iter_regions(result, start, end))
    assert regions, f"hit {result.text[start:end]!r} lies in no OCR region"
    return regions[0]


def near(box, planted_box, scale: float, slack: float = 25) -> bool:
    """The region's box covers the centre of the planted box (scaled to the page image)."""
    cx = (planted_box[0] + planted_box[2]) / 2 * scale
    cy = (planted_box[1] + planted_box[3]) / 2 * scale
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


def scale_of(data: bytes, doc: scangen.ScanDoc, page: int) -> float:
    return ocr.page_image(data, page).width / doc.pages[page - 1].width


@pytest.mark.parametrize(
    "name", [n for n in FORMATS if n in ("marked_notice", "id_list", "multipage_mark_on_2")]
)
def test_every_planted_mark_and_id_is_found_on_its_page_and_place(results, screener, name):
    doc, data, result = results[name]
    assert result.status == "screened", result.reason
    assert result.regions and all(r.page >= 1 for r in result.regions)
    screen = screener.screen(result.text)
    assert screen.flagged
    for planted in doc.wanted("classified_mark") + doc.wanted("id_number"):
        hits = [
            h
            for h in screen.hits
            if h.kind == planted.kind and planted.text in result.text[h.start : h.end + 2].replace(" ", "")
        ]
        assert hits, f"{planted.text} not found in {result.text!r}"
        region = region_of(result, hits[0].start, hits[0].end)
        assert region.page == planted.page
        assert near(region.box, planted.box, scale_of(data, doc, planted.page)), (region, planted)


@pytest.mark.parametrize("name", ["secrecy_news", "plain_notice", "masked_list"])
def test_hard_negatives_are_screened_and_not_flagged(results, screener, name):
    doc, _, result = results[name]
    assert doc.negative
    assert result.status == "screened", result.reason
    assert len(result.text) > 50  # it was read, not skipped
    screen = screener.screen(result.text)
    assert not screen.flagged, [(h.kind, h.text) for h in screen.hits]
    assert not [h for h in screen.hits if h.kind in ("classified_mark", "id_number")]


def test_masked_ids_are_read_as_masked(results):
    """OCR miscounts long runs of asterisks; what matters is that a masked ID stays masked."""
    import re

    doc, _, result = results["masked_list"]
    masked = re.findall(r"\d+\*{4,}\**\d*", result.text)
    assert len(masked) >= len(doc.wanted("masked_id")) - 1, result.text


def test_image_only_pdf_pages_carry_regions_of_each_page(results):
    _, data, result = results["secrecy_news"]
    assert result.kind == "pdf" and {r.page for r in result.regions} == {1}
    img = ocr.page_image(data, 1)
    assert all(
        0 <= r.box[0] < r.box[2] <= img.width + 2 and 0 <= r.box[1] < r.box[3] <= img.height + 2
        for r in result.regions
    )
    assert all(result.text[r.start : r.end].strip() for r in result.regions)


def test_pdf_with_a_text_page_and_a_scanned_page_reads_both(mixed, docs, screener):
    data, result = mixed
    assert result.status == "screened", result.reason
    assert "请于本月底前报送春季农业生产工作总结" in result.text  # text layer of page 1
    assert {r.page for r in result.regions} == {2}  # only the scan has OCR regions
    (mark,) = docs["multipage_mark_on_2"].wanted("classified_mark")
    hits = [h for h in screener.screen(result.text).hits if h.kind == "classified_mark"]
    assert hits and mark.text in result.text
    assert region_of(result, hits[0].start, hits[0].end).page == 2


def test_unchanged_document_is_never_read_twice(results, cache, monkeypatch):
    _, data, first = results["multipage_mark_on_2"]

    def boom(img):
        raise AssertionError("OCR ran again on a cached document")

    monkeypatch.setattr(ocr, "run_engine", boom)
    again = read(data, "tiff")
    assert again == first
    key = ocr.PageCache(data).key
    entry = json.loads((cache / key[:2] / f"{key}.json").read_text("utf-8"))
    assert entry["engine"] == ocr.ENGINE_ID and set(entry["pages"]) == {"1", "2"}


def test_page_cap_stops_with_the_text_read_so_far(results, monkeypatch):
    doc, data, full = results["multipage_mark_on_2"]
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("cached pages must not be read again"))
    capped = read(data, "tiff", INLINE.with_(ocr_max_pages=1))
    assert capped.status == "unscreened" and "OCR page limit" in capped.reason
    assert {r.page for r in capped.regions} == {1}
    assert capped.text and full.text.startswith(capped.text)
    (mark,) = doc.wanted("classified_mark")
    assert mark.text not in capped.text


def test_time_limit_stops_between_pages_with_partial_text(results, tmp_path, monkeypatch):
    _, data, full = results["multipage_mark_on_2"]
    # a cache holding page 1 only: page 2 still needs OCR, and no time is left for it
    key = ocr.PageCache(data).key
    src = json.loads((ocr.cache_dir() / key[:2] / f"{key}.json").read_text("utf-8"))
    del src["pages"]["2"]
    (tmp_path / key[:2]).mkdir()
    (tmp_path / key[:2] / f"{key}.json").write_text(json.dumps(src), "utf-8")
    monkeypatch.setenv("PATROL_OCR_CACHE", str(tmp_path))
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("page 2 must not be started"))
    cut = read(data, "tiff", INLINE.with_(timeout_s=0.0))
    assert cut.status == "unscreened" and "time limit" in cut.reason
    assert {r.page for r in cut.regions} == {1} and full.text.startswith(cut.text)


def test_ocr_failure_is_unscreened_never_clean(docs, tmp_path, monkeypatch):
    monkeypatch.setenv("PATROL_OCR_CACHE", str(tmp_path))

    def broken(img):
        raise RuntimeError("onnx session failed")

    monkeypatch.setattr(ocr, "run_engine", broken)
    pdf = read(scangen.encode(docs["plain_notice"], "pdf"), "pdf")
    assert pdf.status == "unscreened" and "OCR failed" in pdf.reason and "page(s) 1 of 1" in pdf.reason
    png = read(scangen.encode(docs["plain_notice"], "png"), "png")
    assert png.status == "unscreened" and "OCR failed" in png.reason


def test_logos_and_icons_are_not_read(monkeypatch):
    from PIL import Image, ImageDraw

    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("a logo must not be OCR'd"))
    img = Image.new("RGB", (90, 90), "white")
    ImageDraw.Draw(img).ellipse((5, 5, 85, 85), fill=(200, 20, 20))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    result = read(buf.getvalue(), "png")
    assert result.status == "screened" and result.text == "" and result.regions == ()


def test_broken_and_oversized_images_are_unscreened_with_a_reason(results):
    broken = read(b"\x89PNG\r\n\x1a\n" + bytes(random.Random(1).randrange(256) for _ in range(5000)), "png")
    assert broken.status == "unscreened" and "image" in broken.reason
    _, data, _ = results["id_list"]
    huge = read(data, "png", INLINE.with_(ocr_max_pixels=1_000_000))
    assert huge.status == "unscreened" and "too large for OCR" in huge.reason


def test_regions_survive_the_isolated_worker(results):
    _, data, first = results["id_list"]  # cached: the worker reads the cache, the result crosses a pipe
    result = run_isolated("image", data, Limits(), func=ocr.extract_image)
    assert result == first


def test_limits_from_config():
    limits = Limits.from_config({"ocr_max_pages": 5, "ocr_min_px": 64, "ocr_min_kb": 4})
    assert (limits.ocr_max_pages, limits.ocr_min_px, limits.ocr_min_bytes) == (5, 64, 4096)


def turned_box(box, rot: int, size) -> tuple[float, float, float, float]:
    """Where a box of an upright page lies once the page is turned ``rot``° counter-clockwise."""
    w, h = size
    pts = [(box[0], box[1]), (box[2], box[3])]
    if rot == 90:
        pts = [(y, w - x) for x, y in pts]
    elif rot == 270:
        pts = [(h - y, x) for x, y in pts]
    else:
        pts = [(w - x, h - y) for x, y in pts]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


@pytest.mark.slow
@pytest.mark.parametrize("rot", [90, 180])
def test_a_page_scanned_sideways_or_upside_down_is_turned_and_read(cache, screener, rot):
    """A landscape 低保 list scanned sideways, a notice fed upside down: found, boxes on the page as it came."""
    rng = random.Random(31 + rot)
    doc = scangen.id_list(rng, dpi=150) if rot == 90 else scangen.marked_notice(rng, dpi=150)
    upright = doc.pages[0]
    doc.pages = [upright.rotate(rot, expand=True)]
    data = scangen.encode(doc, "png")
    result = read(data, "png")
    assert result.status == "screened", result.reason
    hits = screener.screen(result.text).hits
    for planted in doc.wanted("classified_mark") + doc.wanted("id_number"):
        found = [
            h for h in hits if h.kind == planted.kind and planted.text in result.text[h.start : h.end + 2]
        ]
        assert found, f"{planted.text} not found in {result.text!r}"
        region = region_of(result, found[0].start, found[0].end)
        assert near(region.box, turned_box(planted.box, rot, upright.size), 1.0), (region, planted)


def test_screen_of_an_image_attachment_reports_ocr_hits_with_page_and_box(results):
    """The whole path: detection → the registry's image reader in the sandbox → the screen's JSON."""
    from screening.service import screen_bytes

    doc, data, _ = results["multipage_mark_on_2"]  # cached: the sandboxed worker reads the cache
    out = screen_bytes(data, "W020260301_scan.tif", limits=Limits()).to_json()
    assert out["status"] == "screened" and out["format"] == "image" and out["flagged"]
    (mark,) = doc.wanted("classified_mark")
    (hit,) = [h for h in out["hits"] if h["kind"] == "classified_mark"]
    assert hit["ocr"] is True and hit["page"] == mark.page == 2
    assert near(hit["box"], mark.box, 1.0)
