"""Text extraction for the screen: every format, every hidden place, every limit.

Pure tests: no database, no network, no screening engine.
"""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from corpus.build import (
    CARD,
    ID_A,
    ID_B,
    build_hostile,
    placement,
    render_pdf,
    render_scanned_pdf,
)
from corpus.oledoc import compound_file, word_document, word_streams
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.extract import Extracted, Limits, detect, extract, extract_path, read_limited
from screening.extract.codec import sniff_decode
from screening.extract.html import html_to_text
from screening.extract.sandbox import run_isolated

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ZH = "关于做好春耕生产工作的通知：各镇人民政府要认真落实，确保粮食安全。"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build_hostile(tmp_path_factory.mktemp("hostile"))


# ---------------------------------------------------------------- helpers run in worker processes


def _hang(data: bytes, limits: Limits) -> Extracted:
    time.sleep(600)
    return Extracted.ok("never", "test")


def _hog(data: bytes, limits: Limits) -> Extracted:
    blocks = []
    for _ in range(10_000):
        blocks.append(bytearray(64 * 1024 * 1024))
    return Extracted.ok(str(len(blocks)), "test")


def _crash(data: bytes, limits: Limits) -> Extracted:
    os._exit(3)


# ---------------------------------------------------------------- encodings, HTML, TXT


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_txt_any_chinese_encoding(encoding):
    data = ZH.encode(encoding)
    result = extract(data, "通知.txt")
    assert result.status == "screened" and result.kind == "txt"
    assert result.text == ZH


def test_txt_line_ends_of_windows_and_old_macs_become_newlines():
    for data, want in ((b"a\r\nb\rc\n", "a\nb\nc\n"), (b"a\nb", "a\nb"), (b"\r\r\n", "\n\n")):
        assert extract(data, "a.txt").text == want


def test_txt_big5_is_sniffed_not_read_as_gbk():
    trad = "縣人民政府關於做好防汛工作的通知，請各鄉鎮認真落實值班制度。"
    result = extract(trad.encode("big5"), "a.txt")
    assert result.text == trad


def test_gb2312_label_decodes_gbk_only_characters():
    # 镕 and 喆 are GBK, not GB2312: pages labelled gb2312 use them all the time
    page = (
        '<html><head><meta charset="gb2312"><title>朱镕基 陶喆</title></head><body><p>正文</p></body></html>'
    )
    result = extract(page.encode("gbk"), "index.html")
    assert result.text.startswith("朱镕基 陶喆")


def test_declared_charset_that_lies_falls_back_to_sniffing():
    page = '<html><head><meta charset="utf-8"><title>标题</title></head><body>内部资料</body></html>'
    assert "内部资料" in extract(page.encode("gbk"), "a.html").text
    assert "内部资料" in extract(page.encode("gbk"), "a", "text/html; charset=utf-8").text


def test_html_visible_text_title_meta_no_scripts_or_styles():
    page = """<!DOCTYPE html><html><head><title>县政府通知</title>
      <meta name="keywords" content="关键词甲"><meta name="description" content="描述乙">
      <style>.x{content:'样式丙'}</style><script>var s='脚本丁';</script></head>
      <body><p>正文<b>一</b>段</p><!-- 注释戊 --><table><tr><td>姓名</td><td>张三</td></tr></table>
      <div style="display:none">隐藏己</div><noscript>无脚本庚</noscript></body></html>"""
    text = html_to_text(page)
    lines = text.split("\n")
    assert lines[:3] == ["县政府通知", "关键词甲", "描述乙"]
    assert "正文一段" in text and "隐藏己" in text and "无脚本庚" in text
    assert "姓名\t张三" in text
    for gone in ("样式丙", "脚本丁", "注释戊"):
        assert gone not in text


def test_sniff_decode_never_raises():
    text, enc = sniff_decode(bytes(range(256)) * 4)
    assert isinstance(text, str) and enc


# ---------------------------------------------------------------- detection


def test_detection_magic_first_then_extension_then_content_type():
    pdf = render_pdf(None, [ZH])
    assert detect(pdf, "misnamed.doc")[0] == "pdf"
    assert detect(b"<html><body>x</body></html>", "page.pdf")[0] == "html"  # an error page
    assert detect("纯文本".encode("gbk"), "a.txt")[0] == "txt"
    assert detect(b"plain words", "", "text/html")[0] == "html"
    assert detect(word_document(ZH), "a.wps") == ("ole", "wps")
    assert detect(b"\x89PNG\r\n\x1a\n" + bytes(100), "x.pdf")[0] == "image"
    assert detect(bytes(range(256)), "blob.bin")[0] == "binary"


# ---------------------------------------------------------------- PDF


def test_pdf_chinese_cid_font_text():
    result = extract(render_pdf(None, ["秘密★1年", ZH, f"身份证号：{ID_A}"]), "a.pdf")
    assert result.status == "screened" and result.kind == "pdf"
    assert "秘密★1年" in result.text and ID_A in result.text and "粮食安全" in result.text


def test_pdf_without_text_layer_is_unscreened_never_clean():
    result = extract(render_scanned_pdf(), "scan.pdf")
    assert result.status == "unscreened" and result.reason == "no text layer"


def test_corrupt_pdf_is_unscreened_with_reason(hostile):
    files = hostile
    result = extract_path(files["corrupt_pdf"])
    assert result.status == "unscreened" and "PDF" in result.reason


def test_pdf_page_limit_screens_the_first_pages_and_says_so():
    lines = [f"第{k}段：{ZH}" for k in range(400)]
    result = extract(render_pdf(None, lines), "long.pdf", limits=Limits(max_pages=2))
    assert result.status == "unscreened" and "too many pages" in result.reason
    assert "第0段" in result.text and "第399段" not in result.text


# ---------------------------------------------------------------- DOCX


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("docx_header", "秘密★1年"),
        ("docx_comment", ID_A),
        ("docx_deletion", "内部资料 不得外传"),
        ("docx_footnote", ID_B),
    ],
)
def test_docx_hidden_places(case, expected):
    import random

    result = extract(placement(case, random.Random(1)), f"{case}.docx")
    assert result.status == "screened" and result.kind == "docx"
    assert expected in result.text


def test_docx_tables_keep_rows_together():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "身份证号"
    table.cell(1, 0).text, table.cell(1, 1).text = "王秀兰", ID_B
    buf = io.BytesIO()
    document.save(buf)
    text = extract(buf.getvalue(), "t.docx").text
    assert "姓名\t身份证号\n王秀兰\t" + ID_B in text


def test_docx_with_an_embedded_spreadsheet_reads_the_workbook():
    import random
    import zipfile as zf_mod

    inner = placement("xlsx_hidden_column", random.Random(1))
    import docx

    document = docx.Document()
    document.add_paragraph("附件：补贴发放名单（见嵌入对象）")
    buf = io.BytesIO()
    document.save(buf)
    out = io.BytesIO()
    with (
        zf_mod.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zf_mod.ZipFile(out, "w", zf_mod.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner)
    result = extract(out.getvalue(), "notice.docx")
    assert result.status == "screened" and ID_A in result.text and "附件" in result.text


def test_zip_bomb_disguised_as_docx_is_refused_before_inflating(hostile):
    files = hostile
    started = time.monotonic()
    result = extract_path(files["zip_bomb"])
    assert result.status == "unscreened" and "zip bomb" in result.reason
    assert time.monotonic() - started < 30


def test_zip_with_many_members_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
        for k in range(50):
            zf.writestr(f"junk/{k}", "")
    result = extract(buf.getvalue(), "a.docx", limits=Limits(max_zip_members=20, isolation="inline"))
    assert result.status == "unscreened" and "members" in result.reason


# ---------------------------------------------------------------- XLSX / XLS


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("xlsx_hidden_column", ID_A),
        ("xlsx_hidden_row", CARD),
        ("xlsx_hidden_sheet", "13991512345"),
        ("xls_hidden_column", ID_B),
        ("xls_hidden_sheet", "18700918765"),
    ],
)
def test_spreadsheet_hidden_cells_sheets_rows_columns(case, expected):
    import random

    ext = case.split("_")[0]
    result = extract(placement(case, random.Random(1)), f"{case}.{ext}")
    assert result.status == "screened" and result.kind == ext
    assert expected in result.text


def test_xlsx_numbers_read_as_digits():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["手机", 13991512345, 12.5, 1.0])
    buf = io.BytesIO()
    wb.save(buf)
    text = extract(buf.getvalue(), "n.xlsx").text
    assert "13991512345" in text and "12.5" in text and "1.0" not in text


# ---------------------------------------------------------------- DOC / WPS / ET


@pytest.mark.parametrize("name", ["a.doc", "a.wps", "noext"])
def test_word97_and_wps_text_from_the_piece_table(name):
    body = f"秘密★1年\n关于做好春耕生产工作的通知\n身份证号：{ID_A}"
    result = extract(word_document(body), name)
    assert result.status == "screened"
    assert result.kind == ("wps" if name.endswith("wps") else "doc")
    assert "秘密★1年" in result.text and ID_A in result.text


def test_word_field_codes_dropped_and_results_kept():
    result = extract(word_document('见\x13 HYPERLINK "http://x" \x14链接文字\x15。'), "f.doc")
    assert "链接文字" in result.text and "HYPERLINK" not in result.text


def test_encrypted_and_word95_documents_are_unscreened():
    word, table = word_streams(ZH)
    enc = bytearray(word)
    enc[0x0A] |= 0x00  # low byte untouched
    enc[0x0B] |= 0x01  # fEncrypted (0x0100)
    result = extract(compound_file({"WordDocument": bytes(enc), "1Table": table}), "e.doc")
    assert result.status == "unscreened" and "encrypted" in result.reason
    old = bytearray(word)
    old[2:4] = (104).to_bytes(2, "little")
    result = extract(compound_file({"WordDocument": bytes(old), "1Table": table}), "o.doc")
    assert result.status == "unscreened" and "Word 6/95" in result.reason


def test_et_spreadsheet_in_biff_format_goes_to_xlrd():
    import random

    result = extract(placement("xls_hidden_sheet", random.Random(1)), "表格.et")
    assert result.status == "screened" and result.kind == "et" and "13991512345" in result.text


def test_rtf_named_doc_with_gbk_bytes_and_unicode_escapes():
    rtf = (
        rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fcharset134 \'cb\'ce\'cc\'e5;}}{\*\generator W;}\uc1\pard "
        rb"\'c3\'d8\'c3\'dc\u9733?1\'c4\'ea\par \u36523?\u20221?\u35777?\'a3\'ba"
        + ID_A.encode()
        + rb"\par{\*\comment x}}"
    )
    result = extract(rtf, "notice.doc")
    assert result.status == "screened" and result.kind == "rtf"
    assert result.text == f"秘密★1年\n身份证：{ID_A}"


def test_unknown_ole_and_old_wps_are_unsupported_with_reason():
    word, _ = word_streams(ZH)
    result = extract(compound_file({"Contents": word}), "x.wps")
    assert result.status == "unscreened" and "unsupported" in result.reason
    result = extract(b"\x00\x01WPS-DOS" + bytes(200), "old.wps")
    assert result.status == "unscreened"


# ---------------------------------------------------------------- size, time and memory limits


def test_oversize_bytes_refused_with_size_in_reason():
    result = extract(b"x" * (3 * 1024 * 1024), "a.txt", limits=Limits(max_bytes=1024 * 1024))
    assert result.status == "unscreened"
    assert result.reason == "too large (3.0 MB > 1.0 MB limit)"


def test_200mb_file_refused_from_its_size_without_reading_it(hostile):
    files = hostile
    tracemalloc.start()
    try:
        result = extract_path(files["huge"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "unscreened"
    assert result.reason == "too large (200 MB > 50 MB limit)"
    assert result.kind == "pdf"
    assert peak < 5 * 1024 * 1024


def test_read_limited_stops_at_the_limit():
    assert read_limited(io.BytesIO(b"a" * 100), 100) == b"a" * 100
    assert read_limited(io.BytesIO(b"a" * 101), 100) is None
    # a first read of the size on disk: the whole file at once, or more when it grew since
    assert read_limited(io.BytesIO(b"a" * 100), 100, first=101) == b"a" * 100
    assert read_limited(io.BytesIO(b"ab" * 50), 1000, chunk=7, first=11) == b"ab" * 50
    assert read_limited(io.BytesIO(b"a" * 101), 100, chunk=7, first=51) is None
    assert read_limited(io.BytesIO(b""), 100, first=1) == b""


def test_parser_that_hangs_is_killed_at_the_timeout():
    started = time.monotonic()
    result = run_isolated("test", b"", Limits(timeout_s=1.5), func=_hang)
    assert result.status == "unscreened" and "timed out" in result.reason
    assert time.monotonic() - started < 20


def test_parser_that_eats_memory_is_stopped_by_the_address_space_limit():
    result = run_isolated("test", b"", Limits(memory_mb=512, timeout_s=30), func=_hog)
    assert result.status == "unscreened" and "memory" in result.reason


def test_parser_that_crashes_is_reported():
    result = run_isolated("test", b"", Limits(timeout_s=30), func=_crash)
    assert result.status == "unscreened" and "exit code 3" in result.reason


def test_text_cap_marks_the_document_unscreened():
    result = extract(("内部资料" * 1000).encode(), "a.txt", limits=Limits(max_text_chars=100))
    assert result.status == "unscreened" and len(result.text) == 100 and "truncated" in result.reason


def test_inline_isolation_gives_the_same_text():
    import random

    data = placement("xlsx_hidden_column", random.Random(1))
    assert extract(data, "a.xlsx").text == extract(data, "a.xlsx", limits=Limits(isolation="inline")).text


def test_limits_from_patrol_config():
    limits = Limits.from_config({"max_document_mb": 10, "max_pages": 20, "timeout_seconds": 5})
    assert (limits.max_bytes, limits.max_pages, limits.timeout_s) == (10 * 1024 * 1024, 20, 5.0)
    assert Limits.from_config(None) == Limits()


def test_every_corpus_document_extracts(tmp_path):
    from corpus.build import build

    manifest = build(tmp_path)
    for entry in manifest:
        result = extract_path(Path(tmp_path) / entry["file"])
        assert result.status == "screened", (entry["file"], result.reason)
        assert result.text.strip(), entry["file"]


# ---------------------------------------------------------------- properties

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.sampled_from("0123456789abcXYZ★☆＊：，。、（）-*"),
    ),
    min_size=1,
    max_size=60,
)
INLINE = Limits(isolation="inline")


@settings(max_examples=40, deadline=None)
@given(_TEXT)
def test_property_html_paragraph_text_round_trips(text):
    from html import escape

    page = f"<html><head><title>t</title></head><body><p>{escape(text)}</p></body></html>"
    assert html_to_text(page).split("\n")[1:] == [text]


@settings(max_examples=25, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4))
def test_property_docx_paragraphs_round_trip(paragraphs):
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    text = extract(buf.getvalue(), "p.docx", limits=INLINE).text
    assert text.split("\n")[-len(paragraphs) :] == paragraphs


@settings(max_examples=25, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4))
def test_property_xlsx_and_doc_cells_round_trip(cells):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    assert extract(buf.getvalue(), "c.xlsx", limits=INLINE).text.split("\n")[-1] == "\t".join(cells)
    doc_text = extract(word_document("\n".join(cells)), "c.doc", limits=INLINE).text
    assert doc_text.rstrip("\n").split("\n") == cells
