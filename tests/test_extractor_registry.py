"""Extractor entries declare themselves (screening/extract/registry.py) and detect() reads them."""

from __future__ import annotations

import pytest

from screening.extract import Extracted, Limits, detect, extract, registry
from screening.extract import detect as detect_module
from screening.extract.registry import Extractor, Magic


@pytest.fixture
def scratch_registry():
    """Entries a test adds or changes are gone afterwards."""
    saved = dict(registry._REGISTRY)
    yield registry
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


def _fake(data: bytes, limits: Limits) -> Extracted:
    return Extracted.ok("假格式正文：" + data[8:].decode("utf-8"), "fake")


def test_every_builtin_entry_declares_itself():
    kinds = [e.kind for e in registry.entries()]
    for kind in ("pdf", "docx", "xlsx", "pptx", "ole", "rtf", "image", "archive", "html", "txt", "binary"):
        assert kind in kinds
    for e in registry.entries():
        assert (e.func is None) == (e.unsupported is not None), e.kind  # readable, or says why not
        assert e.func is None or not (e.isolated and e.text), e.kind  # text formats run in-process
        recognised = e.magic or e.zip_member or e.extensions or e.content_types
        assert recognised or e.kind == "binary", e.kind  # binary: what the sniff calls unknown bytes
    assert registry.entry("pdf").isolated and not registry.entry("html").isolated
    assert registry.get("archive") is None and registry.get("pdf").func is not None


def test_each_extension_and_content_type_names_one_kind():
    seen_ext: dict[str, str] = {}
    seen_ct: dict[str, str] = {}
    for e in registry.entries():
        for ext in e.extensions:
            assert ext == ext.lower() and seen_ext.setdefault(ext, e.kind) == e.kind, ext
        for ct in e.content_types:
            assert seen_ct.setdefault(ct, e.kind) == e.kind, ct


def test_detect_keeps_no_table_of_its_own():
    for name in ("EXTENSIONS", "CONTENT_TYPES", "BINARY_KINDS", "_MAGIC"):
        assert not hasattr(detect_module, name)


def test_magic_offsets_windows_and_strict_signatures():
    assert Magic(b"%PDF-", within=1024).found(b"\r\n junk %PDF-1.7")
    assert not Magic(b"%PDF-", within=8).found(b"\r\n junk %PDF-1.7")
    assert Magic(b"WEBP", offset=8).found(b"RIFF\x00\x00\x00\x00WEBP")
    bmp = Magic(b"BM", also=((6, b"\x00\x00\x00\x00"),))
    assert bmp.found(b"BM6\x00\x0c\x00\x00\x00\x00\x00") and not bmp.found(b"BMW first words of a text")


def test_builtin_detection():
    assert detect(b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.pdf")[0] == "image"
    assert detect(b"BM6\x00\x0c\x00\x00\x00\x00\x00" + bytes(64), "")[0] == "image"
    assert detect(b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(64), "a.bin")[0] == "image"
    assert detect(b"BMW is a car maker", "a.txt")[0] == "txt"
    # a ZIP: members first (in declaration order), then a name naming a ZIP-based format, else an archive
    assert detect(b"PK\x03\x04....xl/workbook.xml....word/document.xml", "a.zip")[0] == "docx"
    assert detect(b"PK\x03\x04....xl/workbook.xml....", "a.docx")[0] == "xlsx"
    assert detect(b"PK\x03\x04 nothing known inside", "a.pptx")[0] == "pptx"
    assert detect(b"PK\x03\x04 nothing known inside", "a.doc")[0] == "archive"
    assert detect(b"\x1f\x8b\x08\x00 gzip", "a.docx")[0] == "archive"  # gzip holds no members
    # a declared binary format whose bytes are an HTML page is the server's error page
    assert detect(b"<html><body>404</body></html>", "a.docx") == ("html", "docx")
    assert detect(b"plain words", "", "text/csv; charset=gbk")[0] == "txt"


def test_a_new_format_is_one_declaration(scratch_registry):
    scratch_registry.declare(
        Extractor(
            "fake",
            _fake,
            magic=(Magic(b"FAKEDOC1"),),
            extensions=("fkd",),
            content_types=("application/x-fake",),
        )
    )
    assert detect("FAKEDOC1正文".encode(), "anything.pdf")[0] == "fake"
    assert detect(b"\x00\x01binary without magic", "a.fkd")[0] == "fake"
    assert detect(b"\x00\x01binary without magic", "", "application/x-fake")[0] == "fake"
    result = extract("FAKEDOC1内部资料".encode(), "a.fkd")
    assert result.status == "screened" and result.text == "假格式正文：内部资料"


def test_register_gives_a_recognised_kind_its_reader_and_keeps_its_detection(scratch_registry):
    png = b"\x89PNG\r\n\x1a\n" + "内部资料".encode()
    image = scratch_registry.entry("image")

    def read_image(data: bytes, limits: Limits) -> Extracted:
        return Extracted.ok("图片文字", "image")

    scratch_registry.register("image", read_image, isolated=False)
    now = scratch_registry.entry("image")
    assert now.magic == image.magic and now.extensions == image.extensions and now.unsupported is None
    assert [e.kind for e in scratch_registry.entries()] == [e.kind for e in registry.entries()]
    assert detect(png, "x.bin")[0] == "image"
    assert extract(png, "x.bin").text == "图片文字"


def test_a_kind_without_reader_is_unscreened_with_its_reason():
    result = extract(b"PK\x03\x04 nothing known inside" + bytes(200), "bundle.zip")
    assert result.status == "unscreened" and result.kind == "archive"
    assert result.reason == registry.entry("archive").unsupported
    assert registry.run_extractor("nosuchkind", b"x", Limits()).reason == "unsupported format: nosuchkind"
