"""Pictures inside DOCX/XLSX read by OCR: a scanned 红头文件 pasted into a Word file, a photographed
ID list pasted onto a sheet (documents generated here with python-docx / openpyxl, the scans
degraded like real ones by tests/scans/scangen.py).

A planted ★ mark and every valid ID in a picture are found, their hits carry the picture's
number and a box on it, and the reviewer's crop draws that picture again; a picture of harmless
text is read and flags nothing, a logo is not read at all, the document's own text comes first
and unchanged, and a document of 200 pictures stops at the OCR page budget, unscreened with the
reason. The real OCR engine runs once per generated picture (module fixtures, shared cache).
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile

import pytest

from screening.engine import default_screener
from screening.extract import ocr
from screening.extract.base import Extracted, Limits
from screening.extract.docx import extract_docx
from screening.extract.office_images import SEPARATOR, media_names, page_image
from screening.extract.ole import extract_ole
from screening.extract.registry import guarded
from screening.extract.xlsx import extract_xlsx
from tests.scans import scangen

pytestmark = [
    pytest.mark.skipif(not scangen.have_cjk_font(), reason="no CJK font (scripts/sysdeps.sh)"),
    pytest.mark.xdist_group("ocr-office"),  # one xdist worker: the module fixtures OCR each document once
]

INLINE = Limits(isolation="inline")
TYPED = "关于报送春季农业生产工作材料的说明\n各乡镇人民政府：现将有关文件扫描件附后，请认真组织学习。"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    path = tmp_path_factory.mktemp("ocr-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATROL_OCR_CACHE", str(path))
        yield path


@pytest.fixture(scope="module")
def scans():
    rng = random.Random(11)
    return {
        "notice": scangen.marked_notice(rng, dpi=150),
        "ids": scangen.id_list(rng, dpi=200),
        "harmless": scangen.secrecy_news(rng, dpi=150),
    }


@pytest.fixture(scope="module")
def screener():
    return default_screener()


def jpg(img, quality: int = 75) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def logo() -> bytes:
    """A 党徽-sized red emblem: 90 px, a few hundred bytes."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (90, 90), "white")
    ImageDraw.Draw(img).ellipse((5, 5, 85, 85), fill=(200, 20, 20))
    return png(img)


def make_docx(paragraphs: list[str], pictures: list[bytes]) -> bytes:
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    for data in pictures:
        doc.add_picture(io.BytesIO(data), width=Cm(15))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_xlsx(rows: list[list[str]], pictures: list[bytes]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XLImage

    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    for row in rows:
        ws.append(row)
    for i, data in enumerate(pictures):
        ws.add_image(XLImage(io.BytesIO(data)), f"H{1 + 40 * i}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def picture_number(data: bytes, picture: bytes) -> int:
    """The number the extractor gives ``picture`` inside the package ``data`` (1-based)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = media_names(zf)
    (n,) = [i for i, name in enumerate(names, 1) if zf.read(name) == picture]
    return n


def near(box, planted_box, slack: float = 25) -> bool:
    cx = (planted_box[0] + planted_box[2]) / 2
    cy = (planted_box[1] + planted_box[3]) / 2
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


def hits_of(screener, result: Extracted, kind: str, text: str):
    return [
        h
        for h in screener.screen(result.text).hits
        if h.kind == kind and text in result.text[h.start : h.end + 2].replace(" ", "")
    ]


@pytest.fixture(scope="module")
def notice_docx(cache, scans):
    """Typed text, a tiny logo, then the scanned marked notice pasted in (JPEG)."""
    scan = jpg(scans["notice"].pages[0])
    data = make_docx(TYPED.split("\n"), [logo(), scan])
    return data, scan, guarded("docx", extract_docx, data, INLINE)


@pytest.fixture(scope="module")
def ids_xlsx(cache, scans):
    scan = png(scans["ids"].pages[0])
    data = make_xlsx([["序号", "说明"], ["1", "名单见右侧图片"]], [scan])
    return data, scan, guarded("xlsx", extract_xlsx, data, INLINE)


def test_a_mark_in_a_scan_pasted_into_a_docx_is_found_on_that_picture(notice_docx, scans, screener):
    data, scan, result = notice_docx
    assert result.status == "screened", result.reason
    n = picture_number(data, scan)
    assert n == 2  # the logo before it keeps its number, read or not
    text_only = make_docx(TYPED.split("\n"), [])
    assert result.text.startswith(guarded("docx", extract_docx, text_only, INLINE).text)
    assert SEPARATOR.format(n=n) in result.text and SEPARATOR.format(n=1) not in result.text
    (mark,) = scans["notice"].wanted("classified_mark")
    hits = hits_of(screener, result, "classified_mark", mark.text)
    assert hits, f"{mark.text} not found in {result.text!r}"
    (region,) = list(ocr.iter_regions(result, hits[0].start, hits[0].end))[:1]
    assert region.page == n
    assert near(region.box, mark.box)  # python-docx stores the picture's own pixels: scale 1


def test_every_valid_id_in_a_picture_on_a_sheet_is_found(ids_xlsx, scans, screener):
    data, scan, result = ids_xlsx
    assert result.status == "screened", result.reason and result.kind == "xlsx"
    assert result.text.startswith("公示名单\n序号\t说明\n1\t名单见右侧图片")
    n = picture_number(data, scan)
    planted = scans["ids"].wanted("id_number")
    assert len(planted) >= 3
    for ident in planted:
        hits = hits_of(screener, result, "id_number", ident.text)
        assert hits, f"{ident.text} not found in {result.text!r}"
        (region,) = list(ocr.iter_regions(result, hits[0].start, hits[0].end))[:1]
        assert region.page == n and near(region.box, ident.box)
    # the masked IDs of the list are no hits: every ID hit is one of the planted valid ones
    found = [result.text[h.start : h.end] for h in screener.screen(result.text).hits if h.kind == "id_number"]
    assert found and all("*" not in f for f in found), found


def test_a_picture_of_harmless_text_is_read_and_flags_nothing(cache, scans, screener):
    data = make_docx(["附件：工作简报"], [jpg(scans["harmless"].pages[0]), logo()])
    result = guarded("docx", extract_docx, data, INLINE)
    assert result.status == "screened", result.reason
    assert len(result.text) > 80 and result.regions  # read, not skipped
    assert {r.page for r in result.regions} == {1}
    screen = screener.screen(result.text)
    assert not screen.flagged, [(h.kind, h.text) for h in screen.hits]


def test_logos_and_documents_without_pictures_are_unchanged(monkeypatch):
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("a logo must not be OCR'd"))
    plain = make_docx(TYPED.split("\n"), [])
    with_logo = make_docx(TYPED.split("\n"), [logo()])
    a = guarded("docx", extract_docx, plain, INLINE)
    b = guarded("docx", extract_docx, with_logo, INLINE)
    assert a == Extracted.ok(a.text, "docx") and TYPED.split("\n")[1] in a.text
    assert b == a
    sheet = make_xlsx([["姓名", "电话"]], [logo()])
    assert guarded("xlsx", extract_xlsx, sheet, INLINE) == Extracted.ok("公示名单\n姓名\t电话", "xlsx")


def test_vector_pictures_are_not_read(monkeypatch):
    """EMF/WMF (charts, formulas, an embedded object's preview) are left out, by their bytes."""
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("EMF must not be OCR'd"))
    emf = bytearray(4096)
    emf[0:4] = b"\x01\x00\x00\x00"
    emf[40:44] = b" EMF"
    src = make_docx(["正文"], [logo()])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("word/media/image9.emf", bytes(emf))
    zf = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert media_names(zf) == ["word/media/image1.png"]
    assert guarded("docx", extract_docx, out.getvalue(), INLINE).status == "screened"


def noise_picture(rng: random.Random) -> bytes:
    """A distinct 160×120 picture above the size rules (mostly white, a band of noise)."""
    from PIL import Image

    img = Image.new("L", (160, 120), 255)
    img.putdata([255 if y > 20 else rng.randrange(256) for y in range(120) for _ in range(160)])
    return png(img)


@pytest.fixture(scope="module")
def bomb():
    rng = random.Random(3)
    pictures = [noise_picture(rng) for _ in range(200)]
    assert len({*pictures}) == 200 and min(len(p) for p in pictures) >= 2048
    return make_docx(["见下图"], pictures)


def test_a_docx_of_200_pictures_stops_at_the_page_budget(bomb, tmp_path, monkeypatch):
    monkeypatch.setenv("PATROL_OCR_CACHE", str(tmp_path))
    calls = []

    def fake_engine(img):
        calls.append(img.size)
        return ocr.Segments()

    monkeypatch.setattr(ocr, "run_engine", fake_engine)
    result = guarded("docx", extract_docx, bomb, INLINE.with_(ocr_max_pages=20))
    assert len(calls) == 20
    assert result.status == "unscreened"
    assert (
        "OCR page limit (20): 180 of 200 picture(s) in the DOCX not read (from picture 21)" in result.reason
    )
    assert "见下图" in result.text


def test_a_docx_of_pictures_stops_at_the_time_limit_with_what_was_read(bomb, tmp_path, monkeypatch):
    monkeypatch.setenv("PATROL_OCR_CACHE", str(tmp_path))
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("no time was left for a picture"))
    result = guarded("docx", extract_docx, bomb, INLINE.with_(timeout_s=0.0))
    assert result.status == "unscreened" and "time limit" in result.reason
    assert "200 of 200 picture(s)" in result.reason and "见下图" in result.text


def test_a_picture_that_ocr_cannot_read_leaves_the_docx_unscreened(tmp_path, monkeypatch, scans):
    monkeypatch.setenv("PATROL_OCR_CACHE", str(tmp_path))

    def broken(img):
        raise RuntimeError("onnx session failed")

    monkeypatch.setattr(ocr, "run_engine", broken)
    data = make_docx(["正文"], [jpg(scans["harmless"].pages[0])])
    result = guarded("docx", extract_docx, data, INLINE)
    assert result.status == "unscreened" and "picture 1: OCR failed" in result.reason
    assert result.text.endswith("正文")  # the typed text is still screened
    huge = guarded("docx", extract_docx, data, INLINE.with_(ocr_max_pixels=10_000))
    assert huge.status == "unscreened" and "too large for OCR" in huge.reason


def test_the_bomb_in_the_sandboxed_worker_is_reported_not_hung(cache, bomb):
    """The real engine in the bounded worker: 20 pictures read, the rest reported."""
    from screening.service import screen_bytes

    out = screen_bytes(bomb, "附件1.docx", limits=Limits(ocr_max_pages=20)).to_json()
    assert out["format"] == "docx" and out["status"] == "unscreened"
    assert "180 of 200 picture(s)" in out["reason"] or "time limit" in out["reason"], out["reason"]


def test_screen_json_and_the_crop_name_the_picture(notice_docx, scans):
    """The whole path (sandboxed reader → JSON): the hit carries ocr/page/box of the picture, and
    the picture drawn again for the crop is the scan, at its own size."""
    from screening.service import screen_bytes

    data, scan, _ = notice_docx
    out = screen_bytes(data, "关于报送材料的说明.docx", limits=Limits()).to_json()
    assert out["status"] == "screened" and out["flagged"]
    (mark,) = scans["notice"].wanted("classified_mark")
    (hit,) = [h for h in out["hits"] if h["kind"] == "classified_mark"]
    assert hit["ocr"] is True and hit["page"] == 2 and near(hit["box"], mark.box)
    drawn = page_image(data, hit["page"])
    assert drawn.size == scans["notice"].pages[0].size
    assert ocr.page_image(data, 1).size == (90, 90)  # the logo is picture 1


@pytest.mark.django_db
def test_the_review_crop_of_a_hit_in_a_docx_shows_its_picture(settings, tmp_path):
    """The crop view (/findings/<pk>/crop/<i>.png) redraws the picture a DOCX hit was read from."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from PIL import Image

    from crawler import snapshots
    from crawler.models import Attachment, Item, Page, Site
    from screening.models import Finding
    from web.roles import SECRECY_BUREAU, assign_role

    settings.DATA_DIR = tmp_path / "data"
    box = [60, 40, 260, 90]
    scan = Image.new("RGB", (800, 1100), "white")
    scan.paste((200, 0, 0), tuple(box))  # the "mark": a red block
    data = make_docx(["正文"], [logo(), png(scan)])  # the scan is picture 2
    site = Site.objects.create(
        site_id="s", name="某县", tier="county", url="http://a.gov.cn/", scope=["http://a.gov.cn/"]
    )
    item = Item.objects.create(site=site, url="http://a.gov.cn/t1.html", title="通知")
    page = Page.objects.create(
        site=site, item=item, url=item.url, status=200, snapshot=snapshots.store(b"<html></html>")
    )
    snap = snapshots.store(data)
    att = Attachment.objects.create(
        page=page, item=item, url="http://a.gov.cn/a.docx", name="a.docx", snapshot=snap
    )
    hit = {"kind": "classified_mark", "severity": "high", "text": "秘密★1年", "context": "秘密★1年",
           "start": 0, "end": 5, "ocr": True, "page": 2, "box": box}  # fmt: skip
    finding = Finding.objects.create(
        url=att.url, page_url=page.url, page=page, attachment=att, snapshot=snap, severity="high",
        flagged=True, kinds=["classified_mark"], hits=[hit],
    )  # fmt: skip
    user = get_user_model().objects.create_user("bureau", password="Patrol-test-passw0rd")
    assign_role(user, SECRECY_BUREAU)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    resp = client.get(reverse("web:finding_crop", args=[finding.pk, 0]))
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    img = Image.open(io.BytesIO(resp.content)).convert("RGB")
    assert img.size == (box[2] - box[0] + 48, box[3] - box[1] + 48)
    assert img.getpixel((img.width // 2, img.height // 2)) == (200, 0, 0)


# ---------------------------------------------------------------- Word 97 (DOC, WPS) pictures


def record(ver: int, instance: int, rec_type: int, body: bytes) -> bytes:
    """An OfficeArt record ([MS-ODRAW] 2.2.1): header then body."""
    return struct.pack("<HHI", ver | instance << 4, rec_type, len(body)) + body


def blip(data: bytes) -> bytes:
    """The BLIP record of a PNG, a JPEG or a DIB (one UID, a tag byte, the picture's bytes)."""
    if data.startswith(b"\x89PNG"):
        instance, rec_type = 0x6E0, 0xF01E
    elif data.startswith(b"\xff\xd8"):
        instance, rec_type = 0x46A, 0xF01D
    else:
        instance, rec_type = 0x7A8, 0xF01F
    return record(0, instance, rec_type, hashlib.md5(data).digest() + b"\xff" + data)


def inline_picture(data: bytes) -> bytes:
    """What Word writes in the Data stream for an inline picture: a PICF, then the shape
    container and the BLIP store entry holding the BLIP ([MS-DOC] PICFAndOfficeArtData)."""
    shape = record(0xF, 0, 0xF004, record(2, 75, 0xF00A, struct.pack("<II", 1025, 0xA00)))
    b = blip(data)
    fbse = record(
        2, 5, 0xF007, bytes([5, 5]) + bytes(16) + struct.pack("<HIIIBBBB", 0, len(b), 1, 0, 0, 0, 0, 0) + b
    )
    body = shape + fbse
    picf = struct.pack("<IH", 68 + len(body), 0x44).ljust(68, b"\x00")
    return picf + body


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A CFB v3 file of root-level streams (≥ 4096 bytes each, at most three), as many FAT
    sectors as they need (tests/corpus/oledoc.py writes one-FAT-sector files only)."""
    from tests.corpus.oledoc import ENDOFCHAIN, FATSECT, FREESECT, NOSTREAM, SECTOR, _dir_entry

    names = list(streams)
    counts = {n: -(-len(streams[n]) // SECTOR) for n in names}
    data_sectors = sum(counts.values())
    per_fat = SECTOR // 4
    n_fat = 1
    while n_fat * per_fat < n_fat + 1 + data_sectors:
        n_fat += 1
    assert n_fat <= 109
    fat = [FATSECT] * n_fat + [ENDOFCHAIN]  # FAT sectors, then the directory sector
    starts, nxt = {}, n_fat + 1
    for n in names:
        starts[n] = nxt
        fat += [nxt + i + 1 if i < counts[n] - 1 else ENDOFCHAIN for i in range(counts[n])]
        nxt += counts[n]
    fat += [FREESECT] * (n_fat * per_fat - len(fat))
    ordered = sorted(names, key=lambda n: (len(n), n.upper()))
    ids = {n: i + 1 for i, n in enumerate(ordered)}
    entries = [_dir_entry("Root Entry", 5, NOSTREAM, NOSTREAM, ids[ordered[0]], ENDOFCHAIN, 0)]
    for i, n in enumerate(ordered):
        right = ids[ordered[i + 1]] if i + 1 < len(ordered) else NOSTREAM
        entries.append(_dir_entry(n, 2, NOSTREAM, right, NOSTREAM, starts[n], len(streams[n])))
    entries += [_dir_entry("", 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0)] * (4 - len(entries))
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, n_fat)
    struct.pack_into("<I", header, 48, n_fat)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<II", header, 60, ENDOFCHAIN, 0)
    struct.pack_into("<II", header, 68, ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, *(list(range(n_fat)) + [FREESECT] * (109 - n_fat)))
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)
    for n in names:
        body += streams[n].ljust(counts[n] * SECTOR, b"\x00")
    return bytes(header) + body


def word97(text: str, pictures: list[bytes]) -> bytes:
    """A DOC (or WPS: the same layout) with ``text`` and ``pictures`` inline in its Data stream."""
    from tests.corpus.oledoc import word_streams

    word, table = word_streams(text)
    data = b"".join(inline_picture(p) for p in pictures).ljust(4096, b"\x00")
    return compound_file({"WordDocument": word, "1Table": table, "Data": data})


@pytest.fixture(scope="module")
def notice_doc(cache, scans):
    scan = jpg(scans["notice"].pages[0])
    data = word97(TYPED, [logo(), scan])
    return data, scan, guarded("ole", extract_ole, data, INLINE)


def test_a_mark_in_a_scan_pasted_into_a_doc_is_found_on_that_picture(notice_doc, scans, screener):
    data, scan, result = notice_doc
    assert result.kind == "doc" and result.status == "screened", result.reason
    assert result.text.startswith(guarded("ole", extract_ole, word97(TYPED, []), INLINE).text)
    (mark,) = scans["notice"].wanted("classified_mark")
    hits = hits_of(screener, result, "classified_mark", mark.text)
    assert hits, f"{mark.text} not found in {result.text!r}"
    (region,) = list(ocr.iter_regions(result, hits[0].start, hits[0].end))[:1]
    assert region.page == 2 and near(region.box, mark.box)  # the logo is picture 1
    assert ocr.page_image(data, 2).size == scans["notice"].pages[0].size  # the crop's picture
    # the same file named .wps (Kingsoft Writer) is read the same way, from the cache
    from screening.extract import extract

    wps = extract(data, "关于报送材料的说明.wps", limits=INLINE)
    assert wps.kind == "wps" and wps.text == result.text and wps.regions == result.regions


def test_doc_pictures_are_found_by_their_blip_records_only():
    from PIL import Image

    from screening.extract.office_images import blip_pictures, ole_pictures

    img = Image.new("RGB", (120, 110), "white")
    img.paste((10, 120, 30), (20, 30, 90, 60))
    bmp = io.BytesIO()
    img.save(bmp, "BMP")
    dib = bmp.getvalue()[14:]  # a BLIP holds the DIB without the BMP file header
    stream = b"\x00" * 37 + inline_picture(png(img)) + blip(dib) + b"\xa0\x46\x1d\xf0\xff\xff\xff\x7f"
    found = blip_pictures(stream)  # a BLIP header whose length runs past the stream is no picture
    assert len(found) == 2
    assert [Image.open(io.BytesIO(f)).convert("RGB").getpixel((50, 40)) for f in found] == [(10, 120, 30)] * 2
    assert ole_pictures({"Data": stream, "WordDocument": b"no pictures"}.get) == found
    assert blip_pictures(b"\xa0\x46\x1d\xf0" + struct.pack("<I", 40) + bytes(40)) == []  # no JPEG inside


def test_a_doc_without_pictures_is_unchanged(monkeypatch):
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("nothing to OCR"))
    plain = guarded("ole", extract_ole, word97(TYPED, []), INLINE)
    assert plain == Extracted.ok(plain.text, "doc") and "认真组织学习" in plain.text
    assert guarded("ole", extract_ole, word97(TYPED, [logo()]), INLINE) == plain


def test_a_picture_read_once_is_not_read_again_as_an_attachment_or_in_another_document(
    notice_docx, monkeypatch
):
    """The cache is keyed by the picture's own bytes: the same scan attached as a JPG, or pasted
    into another document, is served from what OCR read in the first DOCX."""
    data, scan, first = notice_docx
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("OCR ran again on a cached picture"))
    alone = ocr.extract_image(scan, INLINE)
    assert alone.status == "screened" and "★" in alone.text
    other = guarded("docx", extract_docx, make_docx(["另一份通知"], [scan]), INLINE)
    assert other.status == "screened" and alone.text in other.text
    assert first.text.endswith(alone.text)


def test_a_damaged_picture_loses_that_picture_not_the_text(monkeypatch):
    monkeypatch.setattr(ocr, "run_engine", lambda img: pytest.fail("nothing readable to OCR"))
    src = make_docx(TYPED.split("\n"), [noise_picture(random.Random(5))])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    raw = bytearray(out.getvalue())
    at = raw.find(b"word/media/image1.png") + len("word/media/image1.png") + 40  # inside its data
    raw[at : at + 64] = bytes(64)  # the deflated bytes broken: CRC or inflate error on read
    result = guarded("docx", extract_docx, bytes(raw), INLINE)
    assert (
        result.status == "unscreened"
        and "picture 1 (word/media/image1.png) could not be read" in result.reason
    )
    assert "认真组织学习" in result.text


def with_drawing_group(book: bytes, pictures: list[bytes]) -> bytes:
    """A BIFF8 workbook stream with ``pictures`` in an OfficeArt drawing group, as Excel writes
    it: the BLIP store in an MSODRAWINGGROUP record cut into CONTINUE records of ≤ 8,224 bytes,
    before the globals' EOF; each sheet's BOUNDSHEET offset moved by the bytes put in."""
    store = b"".join(
        record(
            2,
            6,
            0xF007,
            bytes([6, 6]) + bytes(16) + struct.pack("<HIIIBBBB", 0, len(b), 1, 0, 0, 0, 0, 0) + b,
        )
        for b in map(blip, pictures)
    )
    dgg = record(0xF, 0, 0xF000, record(0xF, len(pictures), 0xF001, store))
    chunks = [dgg[i : i + 8224] for i in range(0, len(dgg), 8224)]
    group = b"".join(
        struct.pack("<HH", 0x00EB if i == 0 else 0x003C, len(c)) + c for i, c in enumerate(chunks)
    )
    out, pos, boundsheets, put = bytearray(), 0, [], False
    while pos + 4 <= len(book):
        rec_type, size = struct.unpack_from("<HH", book, pos)
        if rec_type == 0x000A and not put:  # the globals' EOF
            out += group
            put = True
        if rec_type == 0x0085:
            boundsheets.append(len(out) + 4)
        out += book[pos : pos + 4 + size]
        pos += 4 + size
    out += book[pos:]
    for at in boundsheets:
        struct.pack_into("<I", out, at, struct.unpack_from("<I", out, at)[0] + len(group))
    return bytes(out)


def make_xls(rows: list[list[str]], pictures: list[bytes]) -> bytes:
    import olefile
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("公示名单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    book = olefile.OleFileIO(io.BytesIO(buf.getvalue())).openstream("Workbook").read()
    return compound_file({"Workbook": with_drawing_group(book, pictures).ljust(4096, b"\x00")})


def test_every_valid_id_in_a_picture_in_an_xls_or_et_is_found(ids_xlsx, scans, screener):
    """The same photographed list in an Excel 97 workbook (and named .et, WPS 表格): read from the
    cache filled by the XLSX, found, on picture 2 (the logo is picture 1)."""
    from screening.extract import extract

    _, scan, _ = ids_xlsx
    data = make_xls([["序号", "说明"], ["1", "名单见图片"]], [logo(), scan])
    result = guarded("ole", extract_ole, data, INLINE, hint="xls")
    assert result.kind == "xls" and result.status == "screened", result.reason
    assert result.text.startswith("公示名单\n序号\t说明\n1\t名单见图片")
    for ident in scans["ids"].wanted("id_number"):
        hits = hits_of(screener, result, "id_number", ident.text)
        assert hits, f"{ident.text} not found in {result.text!r}"
        (region,) = list(ocr.iter_regions(result, hits[0].start, hits[0].end))[:1]
        assert region.page == 2 and near(region.box, ident.box)
    assert ocr.page_image(data, 2).size == scans["ids"].pages[0].size
    et = extract(data, "低保名单.et", limits=INLINE)
    assert et.kind == "et" and et.text == result.text
    plain = guarded("ole", extract_ole, make_xls([["序号", "说明"]], []), INLINE, hint="xls")
    assert plain == Extracted.ok("公示名单\n序号\t说明", "xls")
